"""The contract suite's view of one API target (emulator or real), in plain httpx.

Tests talk to `target.client()`; admin-only steps call `target.admin(...)`, which skips
the test against the real API. `tone` makes WAV bytes with the stdlib `wave` module.
"""

from __future__ import annotations

import io
import os
import random
import secrets
import time
import wave
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

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
    cache: dict[tuple[tuple[str, str], ...], httpx.Client] = field(default_factory=dict)

    def client(self, key: str | None = None, **headers: str) -> httpx.Client:
        """A client per key (cached: building an httpx.Client costs tens of ms)."""
        sent = {"x-api-key": self.key if key is None else key, **headers}
        if sent["x-api-key"] == "":
            del sent["x-api-key"]
        cache_key = tuple(sorted(sent.items()))
        if cache_key not in self.cache:
            self.cache[cache_key] = httpx.Client(
                base_url=self.base_url, transport=self.transport, headers=sent, timeout=60
            )
        return self.cache[cache_key]

    def alias(self, name: str) -> str:
        return f"{RUN_PREFIX}{name}" if not self.emulated else name

    def admin(self, method: str, route: str, body: Any = None) -> Any:
        """An admin-only step: skipped against the real API."""
        if not self.emulated:
            pytest.skip("needs the emulator admin API")
        reply = self.client().request(method, f"/_emulator{route}", json=body)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def upload(self, name: str, data: bytes, key: str | None = None) -> str:
        """POST /files → PUT the bytes (no key) → GET until `uploaded` (api-contract.md §3)."""
        api = self.client(key)
        slot = api.post("/files", json={"file_name": name, "folder_id": None})
        assert slot.status_code == 200, slot.text
        item = slot.json()
        bare = self.client(key="")  # upload URLs get no API key
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
        for made in self.cache.values():
            made.close()
