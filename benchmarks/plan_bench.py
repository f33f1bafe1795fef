"""Benchmark `voicectl plan` (a subprocess: process start included) on the embedded emulator.

1,000 instant-engine voices × 10 small distinct local WAVs; 500 of them are already created
(seeded once with `voicectl apply --yes --only …`, not timed). Prints the cold plan (no
audio cache in .voicectl), the warm re-plan (audio cache present) and `sha256sum` over the
same audio files as the floor.

    .venv/bin/python benchmarks/plan_bench.py [--voices 1000] [--files 10] [--created 500]

Goals (issue 4): warm re-plan ≤ 2 s; cold plan ≤ 1.3 × sha256sum + 1 s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

from reconciler.emulator.core import Emulator

BIN = Path(sys.executable).parent
RATE = 2000  # Hz, 8-bit mono: 1.6 s of audio is 3.2 KB
VOICE = """\
# yaml-language-server: $schema=../schemas/voice.schema.json
version: 1
alias: {alias}
engine: voice_engine_3
language: en-GB
files:
  - audio/{alias}/*.wav
metadata:
  gender: female
  take: {n}
"""


def make_tree(root: Path, voices: int, files: int) -> list[Path]:
    """voicectl.yaml, `voices` declarations and their WAVs; returns the audio paths."""
    chance = random.Random(4)
    # noise takes, and the plan's own cost is measured: the audio-quality measures are
    # quality_bench.py's subject
    (root / "voicectl.yaml").write_text("owner: bench/voices\nquality: false\n", encoding="utf-8")
    shutil.copytree(Path(__file__).resolve().parents[1] / "schemas", root / "schemas")
    audio: list[Path] = []
    for n in range(voices):
        alias = f"bench-{n:04d}"
        folder = root / "voices" / "audio" / alias
        folder.mkdir(parents=True)
        for k in range(files):
            path = folder / f"take-{k:02d}.wav"
            with wave.open(str(path), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(1)
                out.setframerate(RATE)
                out.writeframes(chance.randbytes(int(1.6 * RATE)))
            audio.append(path)
        text = VOICE.format(alias=alias, n=n)
        (root / "voices" / f"{alias}.yaml").write_text(text, encoding="utf-8")
    return audio


def run(argv: list[str], root: Path, env: dict[str, str]) -> tuple[float, subprocess.Popen[bytes]]:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=root, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    return elapsed, done  # type: ignore[return-value]


def sha256sum_time(audio: list[Path], root: Path) -> float:
    """`sha256sum` over every audio file (xargs batches, like a shell would)."""
    names = "\0".join(str(p.relative_to(root)) for p in audio).encode()
    start = time.perf_counter()
    subprocess.run(
        ["xargs", "-0", "sha256sum"], input=names, cwd=root, stdout=subprocess.DEVNULL, check=True
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--voices", type=int, default=1000)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--created", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--keep", type=Path, help="build the tree here and keep it (profiling)")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUDIOSTACK_", "GITHUB_"))}
    env["VOICECTL_EMULATOR_CLOCK"] = "immediate"
    voicectl = str(BIN / "voicectl")
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        audio = make_tree(root, args.voices, args.files)
        size = sum(p.stat().st_size for p in audio)
        print(
            f"tree: {args.voices} voices × {args.files} files = {len(audio):,} WAVs, "
            f"{size / 1e6:.1f} MB ({time.perf_counter() - start:.1f} s to generate)"
        )

        # the embedded emulator's state, made first with enough credits for every voice
        Emulator(root / ".voicectl" / "emulator.sqlite3", credits=10**9).close()
        only = [f"--only=bench-{n:04d}" for n in range(args.created)]
        seeded, done = run([voicectl, "apply", "--yes", "--quiet", *only], root, env)
        if done.returncode != 0:
            sys.stderr.write(done.stderr.decode(errors="replace")[-2000:])
            return 1
        print(f"setup: {args.created} voices created by `voicectl apply` in {seeded:.1f} s")

        floor = statistics.median(sha256sum_time(audio, root) for _ in range(args.repeat))
        cache = root / ".voicectl" / "audio-cache.json"
        plan = [voicectl, "plan", "--quiet", "--detail", "summary"]
        colds, warms = [], []
        for _ in range(args.repeat):
            cache.unlink(missing_ok=True)
            cold, done = run(plan, root, env)
            colds.append(cold)
            warm, done = run(plan, root, env)
            warms.append(warm)
        summary = done.stdout.decode().strip().splitlines()[-1]
        cold, warm = statistics.median(colds), statistics.median(warms)
        print(f"plan output: {summary}")
        print(f"sha256sum floor:  {floor:6.2f} s")
        print(
            f"cold plan:        {cold:6.2f} s  (goal ≤ {1.3 * floor + 1:.2f} s = 1.3 × floor + 1)"
        )
        print(f"warm re-plan:     {warm:6.2f} s  (goal ≤ 2.00 s)")
        ok = done.returncode == 0 and warm <= 2 and cold <= 1.3 * floor + 1
        print("goals met" if ok else "GOALS MISSED")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
