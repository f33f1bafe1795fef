"""Fixtures for the client tests: a virtual clock and a scripted HTTP peer.

The scripted peer is an httpx.MockTransport handler that answers from a list of canned
replies and records every request it saw; it stands in for a misbehaving server.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import random
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.audiostack.client import AudioStackClient
from reconciler.audiostack.exchange import RequestRecord
from reconciler.audiostack.retry import RetryPolicy
from reconciler.model.values import FolderId, RemoteFile, Sha256

BASE = "https://api.test"
KEY = "sk-test-key-0001"
Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


@dataclass
class FakeClock:
    """Monotonic clock that only moves when something sleeps on it."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class ScriptedPeer:
    """Answers requests from `answers` in order (the last one repeats)."""

    answers: list[Answer]
    seen: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.seen.append(request)
        answer = self.answers[min(len(self.seen), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)
        return answer

    @property
    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.seen]


def envelope(data: Any, *, credits: int = 9000, request_id: str = "req-1") -> dict[str, Any]:
    meta = {"version": "2", "requestId": request_id, "creditsRemaining": credits}
    return {"message": "ok", "warnings": [], "errors": [], "meta": meta, "data": data}


def reply(status: int, body: Any = None, **headers: str) -> httpx.Response:
    hdrs = {k.replace("_", "-"): v for k, v in headers.items()}
    if body is None:
        return httpx.Response(status, headers=hdrs)
    if isinstance(body, bytes | str):
        return httpx.Response(status, content=body, headers=hdrs)
    return httpx.Response(status, content=json.dumps(body).encode(), headers=hdrs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def records() -> list[RequestRecord]:
    return []


@pytest.fixture
def make_client(
    clock: FakeClock, records: list[RequestRecord]
) -> Iterator[Callable[..., tuple[AudioStackClient, ScriptedPeer]]]:
    made: list[AudioStackClient] = []

    def build(*answers: Answer, **options: Any) -> tuple[AudioStackClient, ScriptedPeer]:
        peer = ScriptedPeer(list(answers))
        options.setdefault("retry", RetryPolicy(budget_s=300))
        client = AudioStackClient(
            options.pop("base_url", BASE),
            options.pop("api_key", KEY),
            transport=httpx.MockTransport(peer),
            sleep=clock.sleep,
            clock=clock,
            rand=random.Random(7).random,
            on_request=records.append,
            **options,
        )
        made.append(client)
        return client, peer

    yield build
    for client in made:
        client.close()


def make_wav(seconds: float = 2.0, rate: int = 8000) -> bytes:
    """A small mono 16-bit WAV generated at test time."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        # a quiet 500 Hz tone: the emulator discards silent files (api-contract.md E27)
        tone = (
            round(3000 * math.sin(i * 2 * math.pi * 500 / rate)) for i in range(int(seconds * rate))
        )
        out.writeframes(b"".join(v.to_bytes(2, "little", signed=True) for v in tone))
    return buffer.getvalue()


@dataclass
class EmulatorRig:
    """An in-process emulator, an admin client for /_emulator/*, and client factories."""

    emulator: Any
    transport: httpx.BaseTransport
    admin: httpx.Client
    clock: FakeClock
    records: list[RequestRecord]
    made: list[AudioStackClient] = field(default_factory=list)

    def client(self, api_key: str | None = None, **options: Any) -> AudioStackClient:
        options.setdefault("sleep", self.clock.sleep)
        options.setdefault("clock", self.clock)
        # the emulator's public key must not become a process-wide secret (it would mask
        # the word "emulator" in every later test's output)
        options.setdefault("key_is_secret", api_key is not None)
        client = AudioStackClient(
            "http://emulator.invalid",
            self.emulator.default_key if api_key is None else api_key,
            transport=self.transport,
            rand=random.Random(3).random,
            on_request=self.records.append,
            **options,
        )
        self.made.append(client)
        return client

    def post(self, route: str, body: dict[str, Any]) -> Any:
        answer = self.admin.post(f"/_emulator/{route}", json=body)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def requests(self) -> list[dict[str, Any]]:
        return list(self.admin.get("/_emulator/requests").json()["requests"])


@pytest.fixture
def rig(clock: FakeClock, records: list[RequestRecord]) -> Iterator[EmulatorRig]:
    from reconciler.emulator.core import Emulator
    from reconciler.emulator.transport import EmulatorTransport

    emulator = Emulator(":memory:", clock_mode="immediate")
    transport = EmulatorTransport(emulator)
    admin = httpx.Client(base_url="http://emulator.invalid", transport=transport)
    rig = EmulatorRig(emulator, transport, admin, clock, records)
    yield rig
    for client in rig.made:
        client.close()
    admin.close()
    assert emulator.internal_errors == []
    emulator.close()


def upload_wav(
    rig: EmulatorRig, tmp_path: Path, folder: FolderId, stem: str, seconds: float
) -> RemoteFile:
    """Upload a `seconds`-long WAV named as voicectl names uploads (sha prefix + stem)."""
    data = make_wav(seconds)
    path = tmp_path / f"{stem}.wav"
    path.write_bytes(data)
    sha = Sha256(hashlib.sha256(data).hexdigest())
    return rig.client().upload(folder, f"{sha[:16]}-{stem}.wav", path, sha)
