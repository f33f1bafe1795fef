"""Read the duration of uploaded bytes (api-contract.md E15/E18): a well-formed PCM WAV
from its header (struct, ~5 µs), anything else with mutagen (~0.5 ms a file).

Returns None for bytes that do not decode as audio; never raises on hostile input. The
header path gives mutagen's figure exactly (tests/emulator/test_emu_probe.py compares the
two on shaped, odd and truncated files) and steps aside for anything unusual.
"""

from __future__ import annotations

import io
import math
import struct
from typing import Any

import mutagen
from mutagen.mp3 import MP3
from mutagen.wave import WAVE

WAV_HEADER_BYTES = 44


def measure_duration(data: bytes) -> float | None:
    """Duration in float seconds, or None when the bytes are not readable audio."""
    if not data:
        return None
    plain = plain_wav_seconds(data)
    length = plain if plain is not None else _mutagen_seconds(data)
    # INVENTED: api-contract.md E15 (nothing to hear = not decodable → file `failed`)
    if length is None or not math.isfinite(length) or length <= 0:
        return None
    return round(length, 6)


def plain_wav_seconds(data: bytes) -> float | None:
    """A canonical WAV's duration from its chunks, or None to let mutagen decide: the RIFF
    size matches, every chunk is even-sized and inside the bytes, `fmt ` comes before
    `data`, and the format's numbers are sane."""
    if len(data) < WAV_HEADER_BYTES or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    if struct.unpack_from("<I", data, 4)[0] + 8 != len(data):
        return None
    pos, fmt, data_size = 12, None, None
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        if size & 1 or pos + 8 + size > len(data):
            return None
        if chunk == b"fmt ":
            if fmt is not None or size < 16:
                return None
            fmt = struct.unpack_from("<HHIIHH", data, pos + 8)
        elif chunk == b"data":
            if fmt is None or data_size is not None:
                return None
            data_size = size
        pos += 8 + size
    if pos != len(data) or fmt is None or data_size is None:
        return None
    channels, rate, block_align, bits = (int(fmt[i]) for i in (1, 2, 4, 5))
    if not (channels and rate and block_align and bits):
        return None
    payload = max(0, len(data) - WAV_HEADER_BYTES) // max(1, channels * bits // 8) / rate
    declared = int(data_size) / block_align / rate
    return min(declared, payload)


def _mutagen_seconds(data: bytes) -> float | None:
    try:
        audio = mutagen.File(io.BytesIO(data))
        if audio is None:  # headerless MPEG (no ID3) scores 0 without a file name
            audio = _as_mp3(data)
        length = float(audio.info.length) if audio is not None and audio.info else 0.0
        if isinstance(audio, WAVE):
            length = min(length, _wav_payload_seconds(audio, len(data)))
    except Exception:
        return None
    return length


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
