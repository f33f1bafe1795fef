"""Crash safety (reliability.md §1.9, E2): SIGKILL the served emulator at seeded random
moments while clients upload and create, restart it on the same SQLite file, and check
that the state is intact and every acknowledged change is still there."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROUNDS = 4
CLIENTS = 4


def _start(db: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "emulator", "serve", "--port", "0", "--db", str(db),
         "--clock", "manual"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line.startswith("AUDIOSTACK_API_URL="), line
    base = line.split("=", 1)[1]
    credits = {"org": "org-default", "balance": 10**9}  # manual clock: every create reserves
    assert httpx.post(f"{base}/_emulator/credits", json=credits).status_code == 200
    return process, base


class Acknowledged:
    """Changes the server answered 2xx for: they must survive the kill."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.files: dict[str, str] = {}  # fileId → sha256 of the uploaded bytes
        self.clones: set[str] = set()


def _work(
    base: str,
    tag_prefix: str,
    make_wav: Callable[..., bytes],
    done: Acknowledged,
    stop: threading.Event,
) -> None:
    with httpx.Client(base_url=base, headers={"x-api-key": "emulator"}, timeout=5) as http:
        n = 0
        while not stop.is_set():
            n += 1
            tag = f"{tag_prefix}-{n}"
            data = make_wav(0.2, seed=tag, rate=8000)
            try:
                slot = http.post("/files", json={"file_name": f"{tag}.wav"}).json()
                put = http.put(
                    slot["uploadUrl"], content=data, headers={"content-type": slot["mimeType"]}
                )
                if put.status_code != 200:
                    continue
                with done.lock:
                    done.files[slot["fileId"]] = hashlib.sha256(data).hexdigest()
                body = {"fileIds": [slot["fileId"]], "alias": tag, "engine": "voice_engine_3"}
                if http.post("/speech/voice-cloning", json=body).status_code == 202:
                    with done.lock:
                        done.clones.add(tag)
            except (httpx.HTTPError, ValueError, KeyError):
                return  # the server died under us


def _check(db: Path, base: str, done: Acknowledged) -> None:
    with httpx.Client(base_url=base, headers={"x-api-key": "emulator"}, timeout=10) as http:
        state = http.get("/_emulator/state").json()
    clones = {c["alias"]: c for c in state["clones"]}
    assert done.clones <= set(clones), done.clones - set(clones)
    for record in clones.values():
        assert record["cloneId"] and record["status"] and record["voiceEngine"]
        assert isinstance(record["startedAt"], int)
    files = {f["fileId"]: f for f in state["files"]}
    for file_id, sha in done.files.items():
        assert files[file_id]["status"] == "uploaded"
        assert files[file_id]["sha256"] == sha
    with sqlite3.connect(db) as conn:
        for sha in done.files.values():
            (blob,) = conn.execute("SELECT data FROM blobs WHERE sha256 = ?", (sha,)).fetchone()
            assert hashlib.sha256(blob).hexdigest() == sha
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = conn.execute(
            "SELECT COUNT(*) FROM clones WHERE alias = '' OR file_ids = '' OR metadata = ''"
        ).fetchone()[0]
        assert orphans == 0


def test_sigkill_at_random_moments_leaves_a_consistent_state(
    tmp_path: Path, wav: Callable[..., bytes]
) -> None:
    db = tmp_path / "emulator.sqlite3"
    rng = random.Random(1234)
    done = Acknowledged()
    for round_no in range(ROUNDS):
        process, base = _start(db)
        if round_no:
            _check(db, base, done)
        stop = threading.Event()
        workers = [
            threading.Thread(target=_work, args=(base, f"r{round_no}-w{w}", wav, done, stop))
            for w in range(CLIENTS)
        ]
        before = len(done.clones)
        for thread in workers:
            thread.start()
        # A loaded machine may take longer than the random delay to finish one create: the
        # kill comes only after this round acknowledged something, then at a random moment.
        deadline = time.monotonic() + 30
        while len(done.clones) == before and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.6))
        process.send_signal(signal.SIGKILL)
        process.wait()
        stop.set()
        for thread in workers:
            thread.join(timeout=10)
    process, base = _start(db)
    try:
        _check(db, base, done)
        assert len(done.clones) >= ROUNDS, len(done.clones)  # it really wrote each round
        print(f"acknowledged: {len(done.files)} uploads, {len(done.clones)} creates")
    finally:
        process.kill()
        process.wait()
