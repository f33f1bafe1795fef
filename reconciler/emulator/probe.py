"""Read the duration of uploaded bytes with mutagen (api-contract.md E15/E18).

Returns None for bytes that do not decode as audio; never raises on hostile input.
"""

from __future__ import annotations

import io
import math
from typing import Any

import mutagen
from mutagen.mp3 import MP3
from mutagen.wave import WAVE

WAV_HEADER_BYTES = 44


def measure_duration(data: bytes) -> float | None:
    """Duration in float seconds, or None when the bytes are not readable audio."""
    if not data:
        return None
    try:
        audio = mutagen.File(io.BytesIO(data))
        if audio is None:  # headerless MPEG (no ID3) scores 0 without a file name
            audio = _as_mp3(data)
        length = float(audio.info.length) if audio is not None and audio.info else 0.0
        if isinstance(audio, WAVE):
            length = min(length, _wav_payload_seconds(audio, len(data)))
    except Exception:
        return None
    # INVENTED: api-contract.md E15 (nothing to hear = not decodable → file `failed`)
    if not math.isfinite(length) or length <= 0:
        return None
    return round(length, 6)


def _as_mp3(data: bytes) -> Any:
    reader: Any = MP3  # mutagen's constructors are untyped
    try:
        return reader(io.BytesIO(data))
    except Exception:
        return None


def _wav_payload_seconds(audio: WAVE, size: int) -> float:
    """A truncated WAV keeps its header's frame count; trust the bytes actually present."""
    info: Any = audio.info
    frame_bytes = max(1, int(info.channels) * int(info.bits_per_sample) // 8)
    rate = int(info.sample_rate)
    if rate <= 0:
        return 0.0
    return max(0, size - WAV_HEADER_BYTES) // frame_bytes / rate
