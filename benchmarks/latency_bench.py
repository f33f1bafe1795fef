"""Latency-bound apply: 1,000 instant clones (2 WAVs each) through the real CLI against the
emulator served on 127.0.0.1 with 100 ms added to every request (its own `delay_s`
fault), immediate clock. The tree's audio is measured first by `voicectl validate`
(offline: no request; growth_bench.py times that cold work), so the apply measured here
is the latency-bound part plus the local re-check every apply makes. Prints the wall
time of `voicectl apply --yes` against its floor,
requests × latency ÷ concurrency (the ceiling, 16 by default), counted from the
emulator's request log, and the requests per create.

    .venv/bin/python benchmarks/latency_bench.py [--voices 1000] [--latency 0.1]

Goal (issue 15): 1,000 instant clones at 100 ms per request ≤ 60 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fleet import cli_env, load_note, make_repo, require, voicectl

CLONES = "/speech/voice-cloning"


def main() -> int:
    import httpx

    from reconciler.emulator.core import Emulator
    from reconciler.emulator.server import serve_in_thread

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--voices", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added per request")
    parser.add_argument("--concurrency", type=int, default=16, help="apply's ceiling")
    args = parser.parse_args()
    print(
        f"latency benchmark: {args.voices} voices, {args.latency * 1000:.0f} ms per request;"
        f" {load_note()}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "fleet"
        make_repo(root, args.voices)
        emulator = Emulator(
            Path(tmp) / "served" / "emulator.sqlite3", clock_mode="immediate", credits=10**9
        )
        server = serve_in_thread(emulator)
        try:
            with httpx.Client(base_url=server.base_url) as admin:
                admin.post("/_emulator/faults", json={"delay_s": args.latency}).raise_for_status()
                env = cli_env(AUDIOSTACK_API_KEY="emulator", AUDIOSTACK_API_URL=server.base_url)
                require(voicectl(root, "validate", "--quiet", env=env), "validate")
                argv = ["apply", "--yes", "--quiet", "--concurrency", str(args.concurrency)]
                began = time.time()  # the emulator's clock: wall time, no offset set
                done = require(voicectl(root, *argv, env=env), "apply")
                log = admin.get("/_emulator/requests").json()["requests"]
        finally:
            server.close()
            emulator.close()
    created = sum(1 for r in log if r["method"] == "POST" and r["route"] == CLONES)
    first = next(n for n, r in enumerate(log) if r["method"] != "GET")
    last = max(n for n, r in enumerate(log) if r["method"] != "GET" and r["route"] == CLONES)
    kinds = Counter(f"{r['method']} {r['route']}" for r in log[first : last + 1])
    floor = len(log) * args.latency / args.concurrency
    print(
        f"  created {created} clones; {len(log)} requests in all, "
        f"{(last + 1 - first) / max(1, created):.2f} per create while creating "
        f"({', '.join(f'{k} ×{v}' for k, v in kinds.most_common())})"
    )
    print(
        f"  apply wall time {done.seconds:.1f} s; floor {floor:.1f} s "
        f"(= {len(log)} × {args.latency} s ÷ {args.concurrency}); ratio {done.seconds / floor:.2f}"
        f"; peak RSS {done.peak_mb:.0f} MB"
    )
    start, end = log[first]["time"] - began, log[last]["time"] - began
    writes_floor = (last + 1 - first) * args.latency / args.concurrency
    print(
        f"  phases: {start:.1f} s before the first write (start, check, plan's reads); "
        f"{end - start:.1f} s of writes (floor {writes_floor:.1f} s); "
        f"{done.seconds - end:.1f} s after the last create (wait, verdict re-read, report)"
    )
    print(
        f"  goal: ≤ 60 s for 1,000 voices at 100 ms → {'met' if done.seconds <= 60 else 'MISSED'}"
        if args.voices == 1000 and args.latency == 0.1
        else "  (goal stated for 1,000 × 100 ms)"
    )
    print(f"after: {load_note()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
