"""Shared by the benchmarks: a realistic repository (voicectl.yaml, one YAML per voice,
distinct WAV recordings) and `voicectl` run as a real subprocess, timed, with its peak RSS.

Not a benchmark itself; nothing in reconciler or the test suite's code paths imports it.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from dataclasses import dataclass
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
RATE = 2000  # Hz, 8-bit mono: a 1.6 s take (the engine minimum is 1.5 s) is 3.2 KB
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
  team: fleet-{team}
"""


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    peak_mb: float
    code: int
    out: str
    err: str
    cpu: float = 0.0  # the child's user + system CPU seconds: what load on the machine
    # (other processes sharing its cores) changes least


def make_repo(root: Path, voices: int, *, files: int = 2, start: int = 0) -> None:
    """Voices fleet-<start>… (one YAML each) with `files` distinct 1.6 s WAVs each."""
    if not (root / "voicectl.yaml").exists():
        root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(CHECKOUT / "schemas", root / "schemas", dirs_exist_ok=True)
        (root / ".gitignore").write_text(".voicectl/\n", encoding="utf-8")
        (root / "voicectl.yaml").write_text("owner: bench/fleet\n", encoding="utf-8")
    chance = random.Random(start)
    for n in range(start, start + voices):
        alias = f"fleet-{n:05d}"
        folder = root / "voices" / "audio" / alias
        folder.mkdir(parents=True, exist_ok=True)
        for k in range(files):
            with wave.open(str(folder / f"take-{k:02d}.wav"), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(1)
                out.setframerate(RATE)
                out.writeframes(speechlike(chance.randbytes(int(1.6 * RATE))))
        text = VOICE.format(alias=alias, team=n % 17)
        (root / "voices" / f"{alias}.yaml").write_text(text, encoding="utf-8")


def speechlike(noise: bytes) -> bytes:
    """8-bit PCM noise shaped into 0.1 s syllables and pauses at about -20 dBFS, so the
    audio checks see speech (random bytes alone are loud, clipped noise)."""
    import numpy as np

    samples = np.frombuffer(noise, np.uint8).astype(np.int16) - 128
    shaped = samples // 5
    shaped[(np.arange(len(shaped)) // round(RATE * 0.1)) % 3 == 2] = 0
    return bytes((shaped + 128).astype(np.uint8).tobytes())


def cli_env(**extra: str) -> dict[str, str]:
    """The caller's environment without keys, URLs or CI markers, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUDIOSTACK_", "GITHUB_"))}
    env.pop("CI", None)
    env.update(extra)
    return env


def run(argv: list[str], root: Path, env: dict[str, str]) -> Run:
    """Run `argv` in `root`: wall time, that child's own peak RSS and CPU (os.wait4)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            argv, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return Run(seconds, usage.ru_maxrss / 1024, process.returncode, out.read(), err.read(), cpu)


def voicectl(root: Path, *argv: str, env: dict[str, str]) -> Run:
    return run([sys.executable, "-m", "reconciler", *argv], root, env)


def require(result: Run, what: str) -> Run:
    if result.code not in (0, 2):  # 2: `plan --detailed-exitcode` found changes
        sys.stderr.write(f"{what} failed with exit {result.code}:\n{result.err[-3000:]}\n")
        raise SystemExit(1)
    return result


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"
