"""Fixtures for the emulator tests: audio generated with `wave`, an in-process emulator and
httpx clients wired to it, and small helpers to upload files and create clones."""

from __future__ import annotations

import io
import random
import wave
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from reconciler.emulator.core import Emulator
from reconciler.emulator.transport import EmulatorTransport

KEY = "emulator"


def make_wav(seconds: float, seed: int | str = 0, rate: int = 16000) -> bytes:
    """Mono 16-bit noise; a different seed gives different bytes (no duplicate content)."""
    frames = int(seconds * rate)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(random.Random(seed).randbytes(frames * 2))
    return buffer.getvalue()


def client_for(emulator: Emulator, key: str | None = KEY, **headers: str) -> httpx.Client:
    transport = EmulatorTransport(emulator)
    sent = dict(headers)
    if key is not None:
        sent["x-api-key"] = key
    return httpx.Client(base_url=transport.base_url, transport=transport, headers=sent)


def upload(client: httpx.Client, name: str, data: bytes, folder: str | None = None) -> str:
    created = client.post("/files", json={"file_name": name, "folder_id": folder})
    assert created.status_code == 200, created.text
    slot = created.json()
    put = client.put(slot["uploadUrl"], content=data, headers={"content-type": slot["mimeType"]})
    assert put.status_code == 200, put.text
    return str(slot["fileId"])


def create_clone(
    client: httpx.Client,
    alias: str,
    file_ids: list[str],
    engine: str = "voice_engine_3",
    **extra: Any,
) -> httpx.Response:
    body = {"fileIds": file_ids, "alias": alias, "engine": engine, **extra}
    return client.post("/speech/voice-cloning", json=body)


def records(client: httpx.Client, alias: str) -> list[dict[str, Any]]:
    reply = client.get("/speech/voice-cloning", params={"alias": alias})
    assert reply.status_code == 200, reply.text
    return list(reply.json()["data"])


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emu = Emulator(":memory:", clock_mode="immediate")
    yield emu
    assert emu.internal_errors == []
    emu.close()


@pytest.fixture
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    with client_for(emulator) as api:
        yield api


@pytest.fixture
def admin(client: httpx.Client) -> Callable[..., Any]:
    """admin("POST", "/clock", {...}) → the JSON answer of /_emulator/<route> (must be 200)."""

    def call(method: str, route: str, body: Any = None) -> Any:
        reply = client.request(method, f"/_emulator{route}", json=body)
        assert reply.status_code == 200, reply.text
        return reply.json()

    return call


@pytest.fixture
def voice_files(client: httpx.Client) -> list[str]:
    """Three good, distinct 3-second WAV uploads."""
    return [upload(client, f"take-{i}.wav", make_wav(3.0, seed=i)) for i in range(3)]


@pytest.fixture
def wav() -> Callable[..., bytes]:
    return make_wav


@pytest.fixture
def upload_file() -> Callable[..., str]:
    return upload


@pytest.fixture
def create() -> Callable[..., httpx.Response]:
    return create_clone


@pytest.fixture
def history() -> Callable[[httpx.Client, str], list[dict[str, Any]]]:
    return records


@pytest.fixture
def make_client() -> Callable[..., httpx.Client]:
    return client_for
