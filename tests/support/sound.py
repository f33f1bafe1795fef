"""Speech-like test audio: the rigs' random bytes shaped into syllables and pauses, so the
audio-quality checks see speech at a sane level (RMS about −20 dBFS, peaks near −14 dBFS,
digital silence between bursts) while the bytes stay distinct per seed and the size is
unchanged.
"""

from __future__ import annotations

import numpy as np

BURST_S = 0.1  # a syllable or a pause


def speechlike(noise: bytes, width: int = 1, rate: int = 8000) -> bytes:
    """Unsigned 8-bit (width 1) or signed 16-bit little-endian (width 2) PCM bytes: every
    third block of BURST_S seconds at `rate` silent, the others scaled to a fifth of full scale."""
    if width == 1:
        samples = np.frombuffer(noise, np.uint8).astype(np.int16) - 128
    else:
        samples = np.frombuffer(noise[: len(noise) // 2 * 2], "<i2").astype(np.int16)
    shaped = samples // 5
    pause = (np.arange(len(shaped)) // max(1, round(rate * BURST_S))) % 3 == 2
    shaped[pause] = 0
    data = (
        (shaped + 128).astype(np.uint8).tobytes() if width == 1 else shaped.astype("<i2").tobytes()
    )
    return data + noise[len(data) :]
