"""Benchmark `voicectl validate` (a subprocess: process start included).

Trees, generated in a temporary folder:
  A. 10,000 declarations referencing existing file_ids (no audio);
  B. 1,000 declarations with 3 small local WAV files each (cold, then warm audio cache).
Also times check-jsonschema on tree A when it is installed (`pip install check-jsonschema`).
Goal: tree A in <= 1.5 s on a 2-core machine.  Usage: python benchmarks/validate_bench.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
VOICE = """\
# yaml-language-server: $schema=../schemas/voice.schema.json
version: 1
alias: {alias}
engine: voice_engine_3
language: en-GB
files:
{files}
metadata:
  gender: {gender}
  accent: british
  take: {n}
ignore:
  - metadata.accent
"""


def make_id_tree(folder: Path, count: int) -> None:
    voices = folder / "voices"
    for n in range(count):
        sub = voices / f"team-{n % 50:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        files = "\n".join(f"  - file_id: {uuid.uuid4()}" for _ in range(3))
        text = VOICE.format(alias=f"voice-{n:05d}", files=files, gender="female", n=n)
        (sub / f"voice-{n:05d}.yaml").write_text(text, encoding="utf-8")
    (folder / ".git").mkdir()


def make_audio_tree(folder: Path, count: int) -> None:
    voices = folder / "voices"
    audio = voices / "audio"
    audio.mkdir(parents=True)
    for n in range(count):
        names = []
        for take in range(3):
            name = f"v{n:04d}-{take}.wav"
            with wave.open(str(audio / name), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(1)
                out.setframerate(8000)
                out.writeframes(bytes((n + take + i) % 256 for i in range(8000 * 2)))
            names.append(f"  - audio/{name}")
        text = VOICE.format(alias=f"voice-{n:04d}", files="\n".join(names), gender="male", n=n)
        (voices / f"voice-{n:04d}.yaml").write_text(text, encoding="utf-8")
    # test-pattern takes; the audio-quality measures are quality_bench.py's subject
    (folder / "voicectl.yaml").write_text("quality: false\n", encoding="utf-8")
    (folder / ".git").mkdir()


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
    return elapsed, done.returncode


def main() -> None:
    voicectl = str(BIN / "voicectl")
    with tempfile.TemporaryDirectory() as temp:
        tree_a, tree_b = Path(temp) / "ids", Path(temp) / "audio"
        make_id_tree(tree_a, 10_000)
        make_audio_tree(tree_b, 1_000)
        runs = [timed([voicectl, "validate"], tree_a) for _ in range(5)]
        times = [t for t, _ in runs]
        print(
            f"A  10,000 declarations (file_ids): median {statistics.median(times):.2f} s, "
            f"best {min(times):.2f} s, exit {runs[0][1]}  (goal <= 1.5 s)"
        )
        cold, code = timed([voicectl, "validate"], tree_b)
        warm = [timed([voicectl, "validate"], tree_b)[0] for _ in range(3)]
        print(
            f"B  1,000 declarations x 3 WAV files: cold {cold:.2f} s, "
            f"warm (audio cache) median {statistics.median(warm):.2f} s, exit {code}"
        )
        checker = shutil.which("check-jsonschema", path=f"{BIN}:{os.environ.get('PATH', '')}")
        if checker is None:
            print("check-jsonschema: not installed (pip install check-jsonschema)")
            return
        files = sorted(str(p) for p in (tree_a / "voices").rglob("*.yaml"))
        schema = str(ROOT / "schemas" / "voice.schema.json")
        elapsed, code = timed([checker, "--schemafile", schema, *files], tree_a)
        print(f"check-jsonschema on tree A: {elapsed:.2f} s, exit {code}")


if __name__ == "__main__":
    main()
