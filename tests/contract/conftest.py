"""Targets for the contract suite: the emulator in-process and served on loopback, and the
real AudioStack API only when AUDIOSTACK_API_KEY and VOICECTL_LIVE=1 are both set.

Tests talk plain httpx to `target.client()`; admin-only steps call `target.admin(...)`,
which skips the test against the real API.
"""

from __future__ import annotations

import io
import os
import random
import secrets
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from reconciler.emulator.core import Emulator
from reconciler.emulator.server import serve_in_thread
from reconciler.emulator.transport import EmulatorTransport

LIVE = os.environ.get("VOICECTL_LIVE") == "1" and bool(os.environ.get("AUDIOSTACK_API_KEY"))
LIVE_BASE = "https://v2.api.audio"
RUN_PREFIX = f"vctl-test-{secrets.token_hex(4)}-"  # unique per run (live aliases are global)


def tone(seconds: float, seed: int = 0, rate: int = 16000) -> bytes:
    """A WAV of deterministic noise; `seed` varies the bytes so files never duplicate."""
    samples = random.Random(seed).randbytes(int(seconds * rate) * 2)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples)
    return buffer.getvalue()


@dataclass
class Target:
    name: str
    base_url: str
    key: str
    transport: httpx.BaseTransport | None = None
    emulated: bool = True
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, key: str | None = None, **headers: str) -> httpx.Client:
        sent = {"x-api-key": self.key if key is None else key, **headers}
        if sent["x-api-key"] == "":
            del sent["x-api-key"]
        made = httpx.Client(
            base_url=self.base_url, transport=self.transport, headers=sent, timeout=30
        )
        self.clients.append(made)
        return made

    def alias(self, name: str) -> str:
        return f"{RUN_PREFIX}{name}" if not self.emulated else name

    def admin(self, method: str, route: str, body: Any = None) -> Any:
        """An admin-only step: skipped against the real API."""
        if not self.emulated:
            pytest.skip("needs the emulator admin API")
        reply = self.client().request(method, f"/_emulator{route}", json=body)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def upload(self, name: str, data: bytes) -> str:
        """POST /files → PUT the bytes (no key) → GET until `uploaded` (api-contract.md §3)."""
        api = self.client()
        slot = api.post("/files", json={"file_name": name, "folder_id": None})
        assert slot.status_code == 200, slot.text
        item = slot.json()
        bare = httpx.Client(transport=self.transport, timeout=60)
        self.clients.append(bare)
        put = bare.put(item["uploadUrl"], content=data, headers={"content-type": item["mimeType"]})
        assert put.status_code < 400, put.text
        deadline = time.monotonic() + (5 if self.emulated else 120)
        while True:
            status = api.get(f"/files/{item['fileId']}").json()["status"]
            if status != "pending" or time.monotonic() > deadline:
                return str(item["fileId"])
            time.sleep(1)

    def wait_terminal(self, alias: str) -> dict[str, Any]:
        """Poll `GET ?alias=` until the newest record is succeeded or failed."""
        api = self.client()
        deadline = time.monotonic() + (5 if self.emulated else 900)
        while True:
            records = api.get("/speech/voice-cloning", params={"alias": alias}).json()["data"]
            if records and records[-1]["status"] in ("succeeded", "failed"):
                return dict(records[-1])
            assert time.monotonic() < deadline, records
            time.sleep(0.05 if self.emulated else 10)

    def close(self) -> None:
        for made in self.clients:
            made.close()


PARAMS = [pytest.param("in-process"), pytest.param("served")]
if LIVE:
    PARAMS.append(pytest.param("live", marks=pytest.mark.live))


@pytest.fixture(params=PARAMS)
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    kind = request.param
    if kind == "live":
        made = Target(
            "live",
            os.environ.get("AUDIOSTACK_API_URL", LIVE_BASE).rstrip("/"),
            os.environ["AUDIOSTACK_API_KEY"],
            emulated=False,
        )
        yield made
        made.close()
        return
    emulator = Emulator(":memory:", clock_mode="immediate")
    if kind == "in-process":
        transport = EmulatorTransport(emulator)
        made = Target(kind, transport.base_url, "emulator", transport)
        yield made
        made.close()
    else:
        running = serve_in_thread(emulator)
        made = Target(kind, running.base_url, "emulator")
        yield made
        made.close()
        running.close()
    assert emulator.internal_errors == []
    emulator.close()
