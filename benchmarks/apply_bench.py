"""Apply throughput: N instant-engine voices × 3 tiny WAVs to a fresh embedded emulator in
`immediate` mode, then a second run that finds nothing to write (GET only).

    .venv/bin/python benchmarks/apply_bench.py [--voices 1000] [--files 3] [--concurrency 4]

Goals (issue 5): first apply ≤ 30 s; the second run sends only GETs and takes ≤ 3 s.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
import wave
from collections import Counter
from pathlib import Path

from reconciler.apply.engine import ApplyTiming, execute
from reconciler.audiostack.client import AudioStackClient
from reconciler.audiostack.remote import fetch_state
from reconciler.emulator.core import Emulator
from reconciler.emulator.transport import EmulatorTransport
from reconciler.model.errors import Location
from reconciler.model.values import Alias, AudioInfo, Declaration, DeclaredFile, Sha256
from reconciler.plan.diff import compare
from reconciler.plan.policy import Policy

OWNER = "bench"
RATE = 2000  # Hz, 8-bit mono: 1.6 s of audio is 3.2 KB


def make_declarations(root: Path, voices: int, files: int) -> list[Declaration]:
    chance = random.Random(5)
    declared = []
    for n in range(voices):
        alias = f"bench-{n:04d}"
        entries = []
        for k in range(files):
            rel = f"voices/{alias}/{k:02d}.wav"
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with wave.open(str(path), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(1)
                out.setframerate(RATE)
                out.writeframes(chance.randbytes(int(1.6 * RATE)))
            data = path.read_bytes()
            audio = AudioInfo(Sha256(hashlib.sha256(data).hexdigest()), len(data), "wav", 1.6)
            entries.append(DeclaredFile(Location(rel, 1, 1), path=rel, audio=audio))
        declared.append(
            Declaration(
                alias=Alias(alias),
                engine="voice_engine_3",
                language="en-GB",
                files=tuple(entries),
                source=Location(f"voices/{alias}.yaml", 1, 8),
                metadata={"gender": "female"},
            )
        )
    return declared


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--voices", type=int, default=1000)
    parser.add_argument("--files", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        declared = make_declarations(root, args.voices, args.files)
        emulator = Emulator(":memory:", clock_mode="immediate", credits=10**9)
        transport = EmulatorTransport(emulator)
        log = emulator.backend.log

        with AudioStackClient(transport.base_url, "emulator", transport=transport) as client:
            empty = fetch_state(client, [d.alias for d in declared], folder_name="voicectl")
            writes = compare(declared, empty, Policy(OWNER)).writes
            log.clear()
            start = time.perf_counter()
            timing = ApplyTiming(concurrency=args.concurrency)
            report = execute(writes, client, owner=OWNER, root=root, timing=timing)
            first = time.perf_counter() - start
        sent = Counter(f"{e['method']} {e['route']}" for e in log.entries())
        outcomes = Counter(v.outcome.value for v in report.voices)
        print(f"first apply: {args.voices} voices × {args.files} files in {first:.2f} s")
        print(f"  outcomes: {dict(outcomes)}; uploads: {report.uploads.uploaded}")
        detail = ", ".join(f"{name} {count}" for name, count in sent.most_common())
        print(f"  requests: {sum(sent.values())} ({detail})")

        log.clear()
        with AudioStackClient(transport.base_url, "emulator", transport=transport) as client:
            start = time.perf_counter()
            state = fetch_state(client, [d.alias for d in declared], folder_name="voicectl")
            plan = compare(declared, state, Policy(OWNER))
            second_report = execute(plan.writes, client, owner=OWNER, root=root)
            second = time.perf_counter() - start
        methods = Counter(e["method"] for e in log.entries())
        print(f"second run: {len(plan.writes)} writes, {second:.2f} s, requests {dict(methods)}")
        ok = (
            first <= 30
            and second <= 3
            and set(methods) == {"GET"}
            and report.exit_code == 0
            and second_report.voices == ()
        )
        emulator.close()
        cli_ok = run_cli(root, declared)
        ok = ok and cli_ok
        print("goals met" if ok else "GOALS MISSED (first ≤ 30 s; second ≤ 3 s with only GETs)")
        return 0 if ok else 1


def fund_embedded_emulator(db: Path) -> None:
    """1,000 creates cost 300,000 credits: top up the embedded emulator's default org."""
    import httpx

    from reconciler.emulator.transport import open_embedded

    emulator, transport = open_embedded(db)
    with httpx.Client(transport=transport, base_url=transport.base_url) as admin:
        org = admin.get("/_emulator/state").json()["orgs"][0]["orgId"]
        admin.post("/_emulator/credits", json={"org": org, "balance": 10**9}).raise_for_status()
    emulator.close()


def run_cli(root: Path, declared: list[Declaration]) -> bool:
    """The same tree through the real CLI: `voicectl apply --yes` as a process, against the
    embedded emulator (SQLite file under .voicectl/), process start and validation included."""
    import os
    import subprocess

    for decl in declared:
        files = "".join(f"  - {f.path.split('/', 1)[1]}\n" for f in decl.files if f.path)
        (root / decl.source.path).write_text(
            f"version: 1\nalias: {decl.alias}\nengine: voice_engine_3\nlanguage: en-GB\n"
            f"files:\n{files}metadata:\n  gender: female\n",
            encoding="utf-8",
        )
    # noise takes; the audio-quality measures are quality_bench.py's subject
    (root / "voicectl.yaml").write_text("quality: false\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    fund_embedded_emulator(root / ".voicectl" / "emulator.sqlite3")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDIOSTACK_")}
    env["VOICECTL_EMULATOR_CLOCK"] = "immediate"
    command = [sys.executable, "-m", "reconciler", "apply", "--yes", "--report", "r.json"]
    timings = []
    for _ in range(2):
        start = time.perf_counter()
        done = subprocess.run(
            command, check=False, cwd=root, env=env, capture_output=True, text=True
        )
        timings.append(time.perf_counter() - start)
        if done.returncode != 0:
            print(done.stderr[-2000:])
            return False
    print(f"CLI `voicectl apply --yes` (embedded SQLite emulator): first {timings[0]:.2f} s")
    print(f"CLI second apply (nothing to write): {timings[1]:.2f} s")
    return timings[0] <= 30 and timings[1] <= 3


if __name__ == "__main__":
    sys.exit(main())
