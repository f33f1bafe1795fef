"""The emulator's own judgement of what an upload sounds like (api-contract.md E27):
a silent file and a heavily clipped file are discarded during preparing, like the
reconciler predicts. Standard library only (the emulator imports nothing of reconciler,
and no numpy): PCM WAV is judged; other containers it cannot decode pass unjudged.
"""

from __future__ import annotations

import struct
import sys
from array import array
from typing import TypeAlias

SILENT_PEAK = 0.001  # -60 dBFS
FULL_SCALE = 0.999  # a sample at or above this magnitude is clipped
DISCARD_CLIPPED_PERCENT = 1.0
_TYPECODES = {1: "B", 2: "h", 4: "i"}


def judge_sound(data: bytes) -> str | None:
    """The discard reason for these bytes, or None (fine, or not judged)."""
    # INVENTED: api-contract.md E27 (the rules and their wording)
    samples = _pcm_samples(data)
    if samples is None:
        return None
    values, full, offset = samples
    if len(values) == 0:
        return None
    low, high = min(values) - offset, max(values) - offset
    if max(high, -low) <= SILENT_PEAK * full:
        return "silent audio (peak below -60 dBFS)"
    limit = FULL_SCALE * full
    if high < limit and -low < limit:
        return None
    clipped = sum(1 for v in values if abs(v - offset) >= limit)
    percent = 100 * clipped / len(values)
    if percent >= DISCARD_CLIPPED_PERCENT:
        return f"heavy clipping: {percent:.1f} % of samples at full scale"
    return None


Samples: TypeAlias = "tuple[array[int] | list[int], float, int]"  # values, full scale, zero


def _pcm_samples(data: bytes) -> Samples | None:
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        if chunk == b"fmt " and size >= 16:
            fmt = struct.unpack_from("<HHIIHH", data, pos + 8)
        elif chunk == b"data" and fmt is not None:
            tag, _, _, _, _, bits = fmt
            if tag not in (1, 0xFFFE) or bits not in (8, 16, 24, 32):
                return None  # float or compressed WAV: not judged
            payload = data[pos + 8 : pos + 8 + size]
            return _decode(payload, bits)
        pos += 8 + size + (size & 1)
    return None


def _decode(payload: bytes, bits: int) -> Samples:
    width = bits // 8
    payload = payload[: len(payload) // width * width]
    full = float(2 ** (bits - 1))
    if bits == 24:
        values = [
            int.from_bytes(payload[i : i + 3], "little", signed=True)
            for i in range(0, len(payload), 3)
        ]
        return values, full, 0
    samples = array(_TYPECODES[width], payload)
    if sys.byteorder == "big":
        samples.byteswap()
    if bits == 8:  # unsigned, centred on 128
        return samples, 128.0, 128
    return samples, full, 0
