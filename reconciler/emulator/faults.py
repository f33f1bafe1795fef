"""Fault rules (api-contract.md "Admin and fault-injection API"): parse, match, fire.

A rule matches by method and route template (or literal path, or a glob); `times` bounds
how often it fires; probability draws from a seeded generator. Applying a rule to a reply
is here too; running the handler is core.py's job.
"""

from __future__ import annotations

import fnmatch
import http
import json
import random
import threading
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from reconciler.emulator.wire import (
    COMMIT_THEN_DROP,
    DRIBBLE,
    HANG,
    JSON_TYPE,
    TRANSPORT_FAULTS,
    EmuReply,
)

MAX_WAIT_S = 300.0


@dataclass(frozen=True, slots=True)
class FaultRule:
    id: str
    method: str | None = None  # None = any method
    route: str | None = None  # template, literal path or glob; None = any route
    probability: float = 1.0
    times: int | None = None  # None = every time
    status: int | None = None
    retry_after: str | None = None
    body: str | None = None
    content_type: str | None = None
    transport: str | None = None
    commit: bool = False  # run the real handler (and commit) before the fault
    hang_s: float = 30.0  # served mode: how long a `hang` lasts at most
    interval_s: float = 0.9  # `dribble`: seconds between body bytes
    delay_s: float = 0.0  # sleep before handling (to make requests overlap)

    @property
    def runs_handler(self) -> bool:
        """Whether the real handler runs (and commits) before the fault shapes the reply."""
        if self.commit or self.transport == COMMIT_THEN_DROP:
            return True
        return self.status is None and self.transport in (None, DRIBBLE)

    def matches(self, method: str, template: str | None, path: str) -> bool:
        if self.method not in (None, "*") and self.method.upper() != method.upper():
            return False
        if self.route in (None, "*", path, template):
            return True
        return any(c in self.route for c in "*?[") and fnmatch.fnmatchcase(path, self.route)

    def outcome(self, handled: EmuReply | None) -> EmuReply:
        """The reply the client gets once this rule fired (`handled`: the real reply)."""
        if self.transport in (HANG, "reset", COMMIT_THEN_DROP):
            seconds = self.hang_s if self.transport == HANG else 0.0
            return EmuReply(0, transport_fault=self.transport, fault_seconds=seconds)
        reply = self._status_reply() if self.status is not None else handled
        assert reply is not None
        if self.transport == DRIBBLE:
            return EmuReply(reply.status, reply.headers, reply.body, DRIBBLE, self.interval_s)
        return reply

    def _status_reply(self) -> EmuReply:
        assert self.status is not None
        headers: list[tuple[str, str]] = []
        if self.retry_after is not None:
            headers.append(("retry-after", self.retry_after))
        if self.body is None:
            try:
                phrase = http.HTTPStatus(self.status).phrase
            except ValueError:
                phrase = "Error"
            body = json.dumps({"message": phrase}).encode()
            kind = JSON_TYPE
        else:
            body = self.body.encode("utf-8")
            kind = self.content_type or _guess_type(self.body)
        headers.insert(0, ("content-type", kind))
        return EmuReply(self.status, tuple(headers), body)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _guess_type(body: str) -> str:
    try:
        json.loads(body)
    except ValueError:
        return "text/html; charset=utf-8"
    return JSON_TYPE


def parse_rule(payload: dict[str, Any]) -> FaultRule:
    """Build a rule from the admin body; ValueError names the first bad field."""
    known = set(FaultRule.__dataclass_fields__) - {"id"}
    unknown = sorted(set(payload) - known)
    if unknown:
        raise ValueError(f"unknown fault field '{unknown[0]}'")
    get = payload.get
    transport = get("transport")
    if transport is not None and transport not in TRANSPORT_FAULTS:
        raise ValueError(f"transport must be one of {', '.join(TRANSPORT_FAULTS)} or null")
    status = _int_or_none(get("status"), "status", 100, 599)
    body = get("body")
    if body is not None and not isinstance(body, str):
        body = json.dumps(body)
    retry_after = get("retry_after")
    if retry_after is not None:
        retry_after = _retry_after_text(retry_after)
    rule = FaultRule(
        id=uuid.uuid4().hex[:12],
        method=_str_or_none(get("method"), "method"),
        route=_str_or_none(get("route"), "route"),
        probability=_number(get("probability", 1.0), "probability", 0.0, 1.0),
        times=_int_or_none(get("times"), "times", 1, 10**9),
        status=status,
        retry_after=retry_after,
        body=body,
        content_type=_str_or_none(get("content_type"), "content_type"),
        transport=transport,
        commit=bool(get("commit", False)),
        hang_s=_number(get("hang_s", 30.0), "hang_s", 0.0, MAX_WAIT_S),
        interval_s=_number(get("interval_s", 0.9), "interval_s", 0.0, 60.0),
        delay_s=_number(get("delay_s", 0.0), "delay_s", 0.0, 30.0),
    )
    if status is None and transport is None and rule.delay_s == 0:
        raise ValueError("a fault needs a status, a transport or a delay_s")
    return rule


def _retry_after_text(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("retry_after must be a number of seconds or a string")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if not text or any(ord(c) < 32 for c in text):
        raise ValueError("retry_after must be printable")
    return text


def _str_or_none(value: object, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"{name} must be a string or null")


def _int_or_none(value: object, name: str, low: int, high: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}")
    return value


def _number(value: object, name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ValueError(f"{name} must be a number from {low:g} to {high:g}")
    return float(value)


class FaultBook:
    """The active rules, how often each may still fire, and the seeded generator."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._left: dict[str, int | None] = {}
        self._random = random.Random(seed)

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules.append(rule)
            self._left[rule.id] = rule.times

    def clear(self, seed: int | None = None) -> None:
        with self._lock:
            self._rules.clear()
            self._left.clear()
            if seed is not None:
                self._random.seed(seed)

    def pick(self, method: str, template: str | None, path: str) -> FaultRule | None:
        """The first matching rule that fires now (consuming one of its `times`)."""
        if not self._rules:
            return None
        with self._lock:
            for rule in self._rules:
                left = self._left.get(rule.id)
                if left == 0 or not rule.matches(method, template, path):
                    continue
                if rule.probability < 1.0 and self._random.random() >= rule.probability:
                    continue
                if left is not None:
                    self._left[rule.id] = left - 1
                return rule
        return None

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{**r.to_json(), "left": self._left.get(r.id)} for r in self._rules]
