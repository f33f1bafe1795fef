"""The one WAV writer of the suite: mono speech-like noise (sound.py), 8 kHz 8-bit unless
asked otherwise, distinct bytes per seed (the file's path when no seed is given)."""

from __future__ import annotations

import random
import wave
from pathlib import Path

from tests.support.sound import speechlike


def write_wav(
    path: Path, seconds: float, seed: int | str | None = None, *, rate: int = 8000, width: int = 1
) -> bytes:
    """`seconds` of mono speech-like noise at `path` (folders made), a few KB per second at the
    default rate. The seed makes the content (and its sha256) unique. Returns the file's bytes."""
    return write_wav_frames(path, int(seconds * rate), seed, rate=rate, width=width)


def write_wav_frames(
    path: Path, frames: int, seed: int | str | None = None, *, rate: int = 8000, width: int = 1
) -> bytes:
    """A mono WAV with exactly `frames` frames (file size = 44 + frames * width)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    noise = random.Random(path.as_posix() if seed is None else seed).randbytes(frames * width)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(speechlike(noise, width, rate))
    return path.read_bytes()
