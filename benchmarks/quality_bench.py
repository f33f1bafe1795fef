"""Benchmark the audio-quality measures through the real CLI (`voicectl audio`, a
subprocess) on a realistic generated voice, side by side with ffmpeg's ebur128 filter and
`sox stats` on the same files, where installed.

The voice: 20 minutes of speech in ten 2-minute WAV takes (44.1 kHz, 16-bit mono):
espeak-ng sentences (or, without espeak-ng, syllable-like bursts) with pauses of 0.3-2 s
and room noise at about -65 dBFS. Reported: cold wall time, CPU time of the process and
its workers, × real time per core (audio seconds / CPU seconds), the warm (cached) run,
and the peers' CPU time on the same files as a ratio.
Target: at least 200× real time per core.   Usage: python benchmarks/quality_bench.py
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

BIN = Path(sys.executable).parent
RATE = 44100
TAKES, TAKE_S = 10, 120.0
SENTENCES = (
    "Voice cloning copies the recording, noise and clipping included.",
    "Measure every take before you spend a single credit on it.",
    "A standard clone takes hours; an instant one takes seconds.",
    "The quick brown fox jumps over the lazy dog, twice, for good measure.",
    "Please read each line clearly, at an even distance from the microphone.",
)


def _sentences(work: Path) -> list[np.ndarray]:
    if shutil.which("espeak-ng") is None:
        rng = np.random.default_rng(1)
        return [rng.normal(0, 0.08, int(RATE * 2.5)) * np.hanning(int(RATE * 2.5))]
    out = []
    for n, text in enumerate(SENTENCES):
        raw = work / f"s{n}.wav"
        subprocess.run(["espeak-ng", "-w", str(raw), text], check=True, capture_output=True)
        data, rate = sf.read(str(raw))
        idx = np.arange(0, len(data) - 1, rate / RATE)  # linear resample to 44.1 kHz
        out.append(np.interp(idx, np.arange(len(data)), data) * 0.6)
    return out


def make_voice(folder: Path) -> float:
    """Ten takes under folder/voices/audio/bench plus a declaration; returns the seconds."""
    work = folder / "work"
    work.mkdir(parents=True)
    sentences = _sentences(work)
    rng = np.random.default_rng(7)
    audio = folder / "voices" / "audio" / "bench"
    audio.mkdir(parents=True)
    total = 0.0
    for take in range(TAKES):
        pieces: list[np.ndarray] = []
        length = 0
        while length < TAKE_S * RATE:
            piece = sentences[int(rng.integers(len(sentences)))] * rng.uniform(0.7, 1.2)
            pause = np.zeros(int(RATE * rng.uniform(0.3, 2.0)))
            pieces += [piece, pause]
            length += len(piece) + len(pause)
        signal = np.concatenate(pieces)[: int(TAKE_S * RATE)]
        signal += rng.normal(0, 10 ** (-65 / 20), len(signal))
        sf.write(str(audio / f"take-{take:02d}.wav"), signal, RATE, subtype="PCM_16")
        total += len(signal) / RATE
    consent = np.concatenate([sentences[0], np.zeros(RATE), sentences[-1]])
    sf.write(str(folder / "voices" / "audio" / "consent.wav"), consent, RATE, subtype="PCM_16")
    files = "".join(f"  - audio/bench/take-{t:02d}.wav\n" for t in range(TAKES))
    (folder / "voices" / "bench.yaml").write_text(
        "version: 1\nalias: bench-en\nengine: voice_engine_2\nlanguage: en-GB\n"
        f"files:\n{files}consent: audio/consent.wav\n",
        encoding="utf-8",
    )
    (folder / ".git").mkdir()
    return total


def timed(command: list[str], cwd: Path) -> tuple[float, float, str, str]:
    """(wall seconds, CPU seconds of the child and its workers, stdout, stderr)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed ({done.returncode}): {done.stderr[-400:]}")
    return wall, cpu, done.stdout, done.stderr


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seconds = make_voice(folder)
        takes = sorted((folder / "voices" / "audio" / "bench").glob("*.wav"))
        print(f"voice: {len(takes)} WAV takes, {seconds / 60:.1f} min of audio, 44.1 kHz")
        voicectl = [str(BIN / "voicectl"), "audio", "--format", "json"]
        wall, cpu, out, err = timed(voicectl, folder)
        print(
            f"voicectl audio, cold: {wall:.2f} s wall, {cpu:.2f} s CPU on {os.cpu_count()} cores"
            f" → {seconds / cpu:.0f}× real time per core ({seconds / wall:.0f}× wall)"
        )
        voice = json.loads(out)["voices"][0]
        ours = {Path(f["path"]).name: f["loudness_lufs"] for f in voice["files"]}
        found = err.strip().splitlines()[-1] if err.strip() else "no findings"
        print(f"voicectl: {voice['speech_s'] / 60:.1f} min of speech; {found}")
        warm_wall, warm_cpu, _, _ = timed(voicectl, folder)
        print(f"voicectl audio, warm (cached): {warm_wall:.2f} s wall, {warm_cpu:.2f} s CPU")
        if shutil.which("ffmpeg"):
            total_cpu = 0.0
            gaps = []
            for take in takes:
                command = ["ffmpeg", "-nostats", "-hide_banner", "-i", str(take)]
                _, used, _, text = timed([*command, "-af", "ebur128", "-f", "null", "-"], folder)
                total_cpu += used
                level = float(text.rsplit("Summary:", 1)[-1].split("I:")[1].split("LUFS")[0])
                gaps.append(abs(level - ours[take.name]))
            print(
                f"ffmpeg -af ebur128 (loudness only): {total_cpu:.2f} s CPU → "
                f"{seconds / total_cpu:.0f}× real time; voicectl's CPU is "
                f"{cpu / total_cpu:.2f}× ffmpeg's for all measures; loudness differs by at "
                f"most {max(gaps):.2f} LU"
            )
        else:
            print("ffmpeg: not installed (apt-get install ffmpeg)")
        if shutil.which("sox"):
            sox_cpu = sum(timed(["sox", str(t), "-n", "stats"], folder)[1] for t in takes)
            print(
                f"sox stats (levels only): {sox_cpu:.2f} s CPU → {seconds / sox_cpu:.0f}× real "
                f"time; voicectl's CPU is {cpu / sox_cpu:.2f}× sox's"
            )
        else:
            print("sox: not installed")


if __name__ == "__main__":
    main()
