"""The emulator's own judgement of what an upload sounds like (api-contract.md E27):
a silent file and a heavily clipped file are discarded during preparing, like the
reconciler predicts. Standard library only (the emulator imports nothing of reconciler,
and no numpy): PCM WAV is judged; other containers it cannot decode pass unjudged.
"""

from __future__ import annotations

import functools
import math
import struct
import sys
from array import array
from dataclasses import dataclass

SILENT_PEAK = 0.001  # -60 dBFS
FULL_SCALE = 0.999  # a sample at or above this magnitude is clipped
DISCARD_CLIPPED_PERCENT = 1.0
_TYPECODES = {1: "B", 2: "h", 4: "i"}


@dataclass(frozen=True, slots=True)
class Pcm:
    payload: bytes  # whole samples only
    bits: int

    @property
    def full(self) -> float:
        return float(2 ** (self.bits - 1))


def judge_sound(data: bytes) -> str | None:
    """The discard reason for these bytes, or None (fine, or not judged)."""
    # INVENTED: api-contract.md E27 (the rules and their wording)
    pcm = _pcm(data)
    if pcm is None or not pcm.payload:
        return None
    values = _values(pcm)
    offset = 128 if pcm.bits == 8 else 0  # 8-bit WAV is unsigned
    if _silent(pcm, values, offset):
        return "silent audio (peak below -60 dBFS)"
    limit = FULL_SCALE * pcm.full
    percent = 100 * _count_clipped(pcm, values, offset, limit) / len(values)
    if percent >= DISCARD_CLIPPED_PERCENT:
        return f"heavy clipping: {percent:.1f} % of samples at full scale"
    return None


def _silent(pcm: Pcm, values: array[int] | list[int], offset: int) -> bool:
    """Peak at or below -60 dBFS. 16-bit: a high byte other than 0x00/0xFF means a
    sample of 256 or more, so only near-silent files pay for the exact min/max."""
    if pcm.bits == 16 and pcm.payload[1::2].translate(None, b"\x00\xff"):
        return False
    low, high = min(values) - offset, max(values) - offset
    return max(high, -low) <= SILENT_PEAK * pcm.full


def _count_clipped(pcm: Pcm, values: array[int] | list[int], offset: int, limit: float) -> int:
    """Samples at full scale. 8- and 16-bit count byte flags in C (translate + a big-int
    AND) instead of a Python loop over millions of samples."""
    top = math.ceil(limit)
    if pcm.bits == 8:
        return pcm.payload.translate(_flags_at_or_beyond(limit)).count(1)
    if pcm.bits == 16 and sys.byteorder == "little":
        low, high = pcm.payload[0::2], pcm.payload[1::2]
        count = 0
        for hi, lows in ((0x7F, range(top & 0xFF, 256)), (0x80, range(((-top) & 0xFF) + 1))):
            hi_flag = high.translate(bytes(1 if b == hi else 0 for b in range(256)))
            lo_flag = low.translate(bytes(1 if b in lows else 0 for b in range(256)))
            both = int.from_bytes(hi_flag, "little") & int.from_bytes(lo_flag, "little")
            count += both.bit_count()
        return count
    if max(values) - offset < limit and offset - min(values) < limit:
        return 0
    return sum(1 for v in values if abs(v - offset) >= limit)


@functools.cache
def _flags_at_or_beyond(limit: float) -> bytes:
    """A translate table for unsigned 8-bit samples: 1 where |sample - 128| ≥ limit."""
    return bytes(1 if abs(b - 128) >= limit else 0 for b in range(256))


def _pcm(data: bytes) -> Pcm | None:
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
            width = bits // 8
            return Pcm(payload[: len(payload) // width * width], bits)
        pos += 8 + size + (size & 1)
    return None


def _values(pcm: Pcm) -> array[int] | list[int]:
    if pcm.bits == 24:
        data = pcm.payload
        return [
            int.from_bytes(data[i : i + 3], "little", signed=True) for i in range(0, len(data), 3)
        ]
    samples = array(_TYPECODES[pcm.bits // 8], pcm.payload)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples
