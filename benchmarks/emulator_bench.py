"""Emulator throughput: status GETs (`GET /speech/voice-cloning?alias=`) and upload+create,
in-process (httpx transport, no socket) and over loopback HTTP, with 8 client threads.

    .venv/bin/python benchmarks/emulator_bench.py [--seconds 3] [--threads 8] [--db file]

Goal (issue 3): ≥ 2,000 status GETs/s in-process and ≥ 1,000/s over loopback on 2 cores.
"""

from __future__ import annotations

import argparse
import io
import random
import tempfile
import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path

import httpx

from reconciler.emulator.core import Emulator
from reconciler.emulator.server import serve_in_thread
from reconciler.emulator.transport import EmulatorTransport

ALIASES = 50


def make_wav(seconds: float, seed: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes(random.Random(seed).randbytes(int(seconds * 8000)))
    return buffer.getvalue()


def upload_and_create(client: httpx.Client, tag: str, seed: int) -> int:
    """POST /files, PUT the bytes, POST the clone: returns the number of requests sent."""
    slot = client.post("/files", json={"file_name": f"{tag}.wav"}).json()
    put = client.put(
        slot["uploadUrl"], content=make_wav(2.0, seed), headers={"content-type": "audio/wav"}
    )
    assert put.status_code == 200, put.text
    body = {"fileIds": [slot["fileId"]], "alias": tag, "engine": "voice_engine_3"}
    created = client.post("/speech/voice-cloning", json=body)
    assert created.status_code == 202, created.text
    return 3


def run_threads(
    threads: int, seconds: float, make_client: Callable[[], httpx.Client], work: str, label: str
) -> tuple[int, int, float]:
    """(operations, requests, elapsed) over `threads` clients until the deadline."""
    counts = [(0, 0)] * threads  # per thread: (operations, requests)
    start_gate = threading.Barrier(threads + 1)

    def loop(index: int) -> None:
        client = make_client()
        rng = random.Random(index)
        ops = requests = 0
        start_gate.wait()
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            if work == "get":
                reply = client.get(
                    "/speech/voice-cloning", params={"alias": f"a{rng.randrange(ALIASES)}"}
                )
                assert reply.status_code == 200, reply.text
                requests += 1
            else:
                requests += upload_and_create(
                    client, f"{label}-w{index}-{ops}", rng.getrandbits(30)
                )
            ops += 1
        counts[index] = (ops, requests)
        client.close()

    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    start_gate.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    return sum(c[0] for c in counts), sum(c[1] for c in counts), elapsed


def prepare(emulator: Emulator, client: httpx.Client) -> None:
    client.post("/_emulator/credits", json={"org": "org-default", "balance": 10**9})
    for n in range(ALIASES):
        upload_and_create(client, f"a{n}", seed=n)
    client.get("/speech/voice-cloning")  # settle every clone once (immediate mode)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--db", choices=("memory", "file"), default="memory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = ":memory:" if args.db == "memory" else str(Path(scratch) / "bench.sqlite3")
        emulator = Emulator(db, clock_mode="immediate")
        transport = EmulatorTransport(emulator)
        headers = {"x-api-key": "emulator"}
        with httpx.Client(base_url=transport.base_url, transport=transport, headers=headers) as c:
            prepare(emulator, c)
        running = serve_in_thread(emulator)
        doors: dict[str, Callable[[], httpx.Client]] = {
            "in-process": lambda: httpx.Client(
                base_url=transport.base_url, transport=transport, headers=headers
            ),
            "loopback": lambda: httpx.Client(base_url=running.base_url, headers=headers),
        }
        print(
            f"emulator benchmark: {args.threads} client threads,"
            f" {args.seconds:g} s each, db={args.db}"
        )
        try:
            for work, label in (("get", "status GET ?alias="), ("create", "upload+create")):
                for door, factory in doors.items():
                    ops, requests, elapsed = run_threads(
                        args.threads, args.seconds, factory, work, door[:2]
                    )
                    line = f"  {label:<20} {door:<11} {requests / elapsed:8.0f} requests/s"
                    if work == "create":
                        line += f"  ({ops / elapsed:.0f} voices/s: POST /files + PUT + POST clone)"
                    print(line)
        finally:
            running.close()
            emulator.close()


if __name__ == "__main__":
    main()
