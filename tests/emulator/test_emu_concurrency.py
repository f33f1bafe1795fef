"""Concurrency: racing creates of one alias (threads, and two emulators on one SQLite file
as two voicectl processes would), and the embedded default target."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from reconciler.emulator.core import Emulator
from reconciler.emulator.transport import open_embedded

Create = Callable[..., httpx.Response]


def _race(clients: list[httpx.Client], create: Create, file_ids: list[str]) -> list[int]:
    statuses: list[int] = []
    gate = threading.Barrier(len(clients))

    def one(client: httpx.Client) -> None:
        gate.wait()
        statuses.append(create(client, "race", file_ids).status_code)

    threads = [threading.Thread(target=one, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_racing_creates_of_one_alias_give_one_202(
    emulator: Emulator,
    make_client: Callable[..., httpx.Client],
    create: Create,
    voice_files: list[str],
) -> None:
    clients = [make_client(emulator) for _ in range(8)]
    assert _race(clients, create, voice_files) == [202] + [409] * 7
    for client in clients:
        client.close()


def test_two_emulators_on_one_file_share_state_and_the_alias_lock(
    tmp_path: Path,
    make_client: Callable[..., httpx.Client],
    create: Create,
    upload_file: Callable[..., str],
    wav: Callable[..., bytes],
) -> None:
    db = tmp_path / "shared.sqlite3"
    first, second = Emulator(db, clock_mode="manual"), Emulator(db, clock_mode="manual")
    clients = [make_client(first), make_client(second)] * 3
    file_id = upload_file(clients[0], "a.wav", wav(2.0))
    assert clients[1].get(f"/files/{file_id}").json()["status"] == "uploaded"
    assert _race(clients, create, [file_id]) == [202] + [409] * 5
    for client in clients:
        client.close()
    first.close()
    second.close()


def test_open_embedded_creates_the_directory_and_keeps_the_bytes_in_the_db(
    tmp_path: Path,
    upload_file: Callable[..., str],
    wav: Callable[..., bytes],
) -> None:
    db = tmp_path / "repo" / ".voicectl" / "emulator.sqlite3"
    emulator, transport = open_embedded(db)
    headers = {"x-api-key": "emulator"}
    with httpx.Client(base_url=transport.base_url, transport=transport, headers=headers) as api:
        upload_file(api, "a.wav", wav(2.0))
    emulator.close()
    assert db.is_file()
    assert not (db.parent / "blobs").exists()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM blobs").fetchone() == (1,)
    conn.close()


def test_time_scale_shortens_the_time_mode_phases(
    make_client: Callable[..., httpx.Client],
    create: Create,
    upload_file: Callable[..., str],
    wav: Callable[..., bytes],
) -> None:
    fast = Emulator(clock_mode="time", time_scale=0.0001)  # 2 s + 10 s → 1.2 ms
    with make_client(fast) as client:
        assert create(client, "quick", [upload_file(client, "a.wav", wav(2.0))]).status_code == 202
        time.sleep(0.01)
        records = client.get("/speech/voice-cloning", params={"alias": "quick"}).json()["data"]
    assert records[0]["status"] == "succeeded"
    fast.close()
