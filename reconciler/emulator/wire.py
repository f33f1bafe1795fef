"""The emulator's request/reply values and the JSON helpers every handler shares.

EmuRequest/EmuReply are what both front doors (transport.py, server.py) exchange with
core.Emulator. No state and no routing here.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from reconciler.emulator.limits import JSON_BODY_CAP

Pairs = tuple[tuple[str, str], ...]

# Transport faults a reply can carry instead of (or on top of) an HTTP answer.
RESET = "reset"  # close the connection without a reply
HANG = "hang"  # never reply (bounded); embedded mode raises a read timeout at once
COMMIT_THEN_DROP = "commit_then_drop"  # the change is committed, then no reply
DRIBBLE = "dribble"  # the reply body trickles out one byte per interval
TRANSPORT_FAULTS = (RESET, HANG, COMMIT_THEN_DROP, DRIBBLE)

JSON_TYPE = "application/json"


@dataclass(frozen=True, slots=True)
class EmuRequest:
    """One HTTP request as the core sees it; header names compare case-insensitively."""

    method: str
    path: str
    query: Pairs = ()
    headers: Pairs = ()
    body: bytes = b""
    base_url: str = "http://emulator.invalid"  # scheme://host[:port] the client used
    loopback: bool = True  # the peer is this machine (in-process, or a 127.0.0.0/8 / ::1 socket)

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def param(self, name: str) -> str | None:
        for key, value in self.query:
            if key == name:
                return value
        return None


@dataclass(frozen=True, slots=True)
class EmuReply:
    """One answer: an HTTP status, headers and body, or a transport fault marker."""

    status: int
    headers: Pairs = ()
    body: bytes = b""
    transport_fault: str | None = None  # one of TRANSPORT_FAULTS
    fault_seconds: float = 0.0  # hang bound or dribble interval

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def with_headers(self, extra: Pairs) -> EmuReply:
        return EmuReply(
            self.status,
            self.headers + extra,
            self.body,
            self.transport_fault,
            self.fault_seconds,
        )


class ApiProblem(Exception):
    """A 4xx/5xx answer raised from anywhere inside a handler: `{"message", "errors"?}`."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: tuple[str, ...] = (),
        headers: Pairs = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers

    def to_reply(self) -> EmuReply:
        body: dict[str, Any] = {"message": self.message}
        if self.errors:
            body["errors"] = list(self.errors)
        return json_reply(self.status, body, self.headers)


def json_reply(status: int, payload: Any, headers: Pairs = ()) -> EmuReply:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return EmuReply(status, (("content-type", JSON_TYPE), *headers), data)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 parses as inf, which JSON cannot carry back
        raise ValueError(f"number {show(text, 24)} is out of range")
    return value


def parse_json_object(body: bytes, *, cap: int = JSON_BODY_CAP) -> dict[str, Any]:
    """Decode a JSON object body or raise a 4xx ApiProblem (never anything else)."""
    if len(body) > cap:
        # INVENTED: api-contract.md E20 (body cap: 1 MiB of JSON)
        raise ApiProblem(413, f"request body too large: {len(body)} bytes > {cap}")
    if not body.strip():
        raise ApiProblem(400, "request body must be a JSON object")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiProblem(400, "request body is not valid UTF-8") from None
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        raise ApiProblem(
            400, f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except ValueError as exc:
        raise ApiProblem(400, f"malformed JSON: {exc}") from None
    except RecursionError:
        raise ApiProblem(400, "malformed JSON: nested too deeply") from None
    if not isinstance(value, dict):
        raise ApiProblem(400, "request body must be a JSON object")
    try:
        # "\ud800" escapes decode to lone surrogates that SQLite and UTF-8 replies cannot hold
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ApiProblem(400, "malformed JSON: lone surrogate in a string") from None
    except RecursionError:
        raise ApiProblem(400, "malformed JSON: nested too deeply") from None
    return value


def show(value: object, limit: int = 64) -> str:
    """A user value cut short for an error message (messages never grow unbounded)."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
