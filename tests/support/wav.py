"""The one WAV writer of the suite: 8 kHz 8-bit mono speech-like noise (sound.py),
distinct bytes per seed."""

from __future__ import annotations

import random
import wave
from pathlib import Path

from tests.support.sound import speechlike


def write_wav(path: Path, seconds: float, seed: int, rate: int = 8000) -> bytes:
    """Mono 8-bit speech-like noise at `path` (folders made): the seed makes the content (and its
    sha256) unique, a few KB per second. Returns the file's bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    noise = speechlike(random.Random(seed).randbytes(int(seconds * rate)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(noise)
    return path.read_bytes()
