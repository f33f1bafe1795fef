"""Fixtures for the apply tests: a fresh embedded emulator, a client wired to it, a virtual
clock, tiny generated WAVs and declarations built from them.

Everything runs against the real emulator through its httpx transport (no socket) unless a
test serves it on 127.0.0.1. Sleeps are virtual: the clock only moves when something sleeps.
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.apply.engine import ApplyTiming, execute
from reconciler.apply.events import RecordingSink
from reconciler.apply.report import ApplyReport
from reconciler.apply.trail import RequestTrail
from reconciler.audiostack.client import AudioStackClient
from reconciler.audiostack.remote import fetch_state
from reconciler.audiostack.retry import RetryPolicy
from reconciler.emulator.core import Emulator
from reconciler.emulator.transport import EmulatorTransport
from reconciler.model.errors import Location
from reconciler.model.values import (
    Alias,
    AudioInfo,
    Declaration,
    DeclaredFile,
    RemoteState,
    Sha256,
)
from reconciler.plan.change import Change
from reconciler.plan.diff import compare
from reconciler.plan.policy import Policy
from tests.support.wav import write_wav

OWNER = "acme"
MARKER = f"voicectl:{OWNER}"
KEY = "emulator"


@dataclass
class FakeClock:
    """Monotonic clock that only moves when something sleeps on it (thread-safe)."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    also: Callable[[float], object] | None = None  # e.g. the emulator clock's advance

    def __call__(self) -> float:
        with self.lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.sleeps.append(seconds)
            self.now += max(0.0, seconds)
            if self.also is not None and seconds > 0:
                self.also(seconds)


class Rig:
    """One emulator + helpers to declare voices and run execute() against it."""

    def __init__(self, root: Path, emulator: Emulator) -> None:
        self.root = root
        self.emulator = emulator
        self.transport = EmulatorTransport(emulator)
        self.admin = httpx.Client(base_url=self.transport.base_url, transport=self.transport)
        self.clock = FakeClock()
        self._seed = 0
        self.clients: list[AudioStackClient] = []

    # -- emulator admin ------------------------------------------------------------------

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        reply = self.admin.post(f"/_emulator{path}", json=body or {})
        assert reply.status_code == 200, reply.text
        return reply.json()

    def fault(self, **rule: Any) -> str:
        return str(self.post("/faults", rule)["id"])

    def faults_clear(self) -> None:
        self.admin.delete("/_emulator/faults")

    def sync_emulator_clock(self) -> None:
        """Make virtual sleeps also move the emulator's clock (rate limits, time mode)."""
        self.clock.also = self.emulator.clock.advance

    def clock_mode(self, mode: str) -> None:
        self.post("/clock", {"mode": mode})

    def requests(self) -> list[dict[str, Any]]:
        return list(self.admin.get("/_emulator/requests").json()["requests"])

    def clear_requests(self) -> None:
        self.admin.delete("/_emulator/requests")

    def state(self) -> dict[str, Any]:
        return dict(self.admin.get("/_emulator/state").json())

    def clones(self, alias: str) -> list[dict[str, Any]]:
        return [c for c in self.state()["clones"] if c["alias"] == alias]

    def posts(self, route: str = "/speech/voice-cloning") -> list[dict[str, Any]]:
        return [r for r in self.requests() if r["method"] == "POST" and r["path"] == route]

    def balance(self) -> int:
        return int(self.state()["orgs"][0]["balance"])

    # -- declarations --------------------------------------------------------------------

    def wav(self, rel: str, seconds: float = 2.0) -> DeclaredFile:
        self._seed += 1
        data = write_wav(self.root / rel, seconds, self._seed)
        audio = AudioInfo(
            sha256=Sha256(hashlib.sha256(data).hexdigest()),
            bytes=len(data),
            container="wav",
            duration_s=seconds,
            sample_rate=8000,
            channels=1,
        )
        return DeclaredFile(Location(rel, 1, 1), path=rel, audio=audio)

    def declare(
        self,
        alias: str,
        files: int = 3,
        *,
        extra: tuple[DeclaredFile, ...] = (),
        seconds: float = 2.0,
        strict_files: bool = False,
        metadata: dict[str, Any] | None = None,
    ) -> Declaration:
        own = tuple(self.wav(f"voices/{alias}/{n:02d}.wav", seconds) for n in range(files))
        return Declaration(
            alias=Alias(alias),
            engine="voice_engine_3",
            language="en-GB",
            files=own + extra,
            source=Location(f"voices/{alias}.yaml", 1, 8),
            metadata=metadata or {"gender": "female"},
            strict_files=strict_files,
        )

    # -- running -------------------------------------------------------------------------

    def client(self, **options: Any) -> AudioStackClient:
        options.setdefault("retry", RetryPolicy(budget_s=600))
        client = AudioStackClient(
            self.transport.base_url,
            options.pop("api_key", KEY),
            transport=self.transport,
            sleep=options.pop("sleep", self.clock.sleep),
            clock=options.pop("clock", self.clock),
            rand=random.Random(7).random,
            **options,
        )
        self.clients.append(client)
        return client

    def execute(
        self, writes: list[Declaration] | list[Change], **options: Any
    ) -> tuple[ApplyReport, RecordingSink]:
        """execute() the creates of `writes` (declarations are planned as creates, as a
        plan made before the remote changed would hold them)."""
        sink = RecordingSink()
        trail = RequestTrail()
        client = options.pop("client", None) or self.client(on_request=trail)
        owner = options.pop("owner", OWNER)
        options.setdefault("sleep", self.clock.sleep)
        options.setdefault("clock", self.clock)
        timing = {k: options.pop(k) for k in TIMING if k in options}
        timing.setdefault("poll_interval_s", 1.0)
        report = execute(
            planned_writes(writes, owner),
            client,
            owner=owner,
            root=self.root,
            events=options.pop("events", sink),
            trail=trail,
            timing=ApplyTiming(**timing),
            **options,
        )
        return report, sink

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.admin.close()


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    emulator = Emulator(":memory:", clock_mode="immediate")
    made = Rig(tmp_path, emulator)
    yield made
    made.close()
    assert emulator.internal_errors == []
    emulator.close()


TIMING = ("concurrency", "wait_timeout_s", "poll_interval_s", "interrupt_grace_s", "dead_api_s")
EMPTY_REMOTE = RemoteState({}, {}, {}, credits_remaining=None)


def planned_writes(writes: list[Declaration] | list[Change], owner: str) -> list[Change]:
    """The plan's create changes for declarations (planned against an empty remote), or
    the changes as given."""
    declared = [w for w in writes if isinstance(w, Declaration)]
    changes = [w for w in writes if isinstance(w, Change)]
    if declared:
        changes.extend(compare(declared, EMPTY_REMOTE, Policy(owner)).writes)
    return changes


def one_record_per_alias(rig: Rig, aliases: list[str]) -> None:
    """Exactly one clone record per alias, all ours; no DELETE or PATCH ever sent."""
    clones = rig.state()["clones"]
    for alias in aliases:
        records = [c for c in clones if c["alias"] == alias]
        assert len(records) == 1, (alias, records)
        assert records[0]["metadata"]["managed_by"] == MARKER
    methods = {r["method"] for r in rig.requests()}
    assert not methods & {"DELETE", "PATCH"}


def plan_writes(rig: Rig, declared: list[Declaration]) -> list[str]:
    """The aliases a fresh plan would still write (GET only)."""
    client = rig.client()
    state = fetch_state(client, [d.alias for d in declared], folder_name="voicectl")
    plan = compare(declared, state, Policy(OWNER))
    return [c.alias for c in plan.writes]


def assert_nothing_left(rig: Rig, writes: list[Declaration]) -> None:
    """A fresh plan has no writes, and a second execute uploads and creates nothing."""
    rig.clear_requests()
    assert plan_writes(rig, writes) == []
    assert {r["method"] for r in rig.requests()} == {"GET"}
    rig.clear_requests()
    report, _ = rig.execute(writes)
    sent = {(r["method"], r["route"]) for r in rig.requests()}
    assert ("POST", "/speech/voice-cloning") not in sent
    assert ("POST", "/files") not in sent
    assert report.uploads.uploaded == 0
    assert report.credits_spent == 0
