"""MPEG audio frame walker: the exact duration of an MP3 without trusting any header.

`walk(data)` parses each 4-byte frame header (frame length from bitrate, sample rate and
padding) until sync is lost, and reports any Xing/Info/VBRI frame count it saw. Pure
function over bytes; no file I/O, no judgement about what is acceptable.
"""

from __future__ import annotations

from dataclasses import dataclass

_BITRATES = {  # (version is MPEG-1, layer) → kbps by index
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


@dataclass(frozen=True, slots=True)
class FrameHeader:
    length: int
    samples: int
    sample_rate: int
    channels: int
    mpeg1: bool


@dataclass(frozen=True, slots=True)
class WalkResult:
    frames: int  # audio frames (a Xing/Info/VBRI frame is not counted)
    duration_s: float
    sample_rate: int
    channels: int
    header_frames: int | None  # frame count announced by a Xing/Info/VBRI header
    complete: bool  # False when the last frame runs past the end of the data


def parse_header(data: bytes, pos: int) -> FrameHeader | None:
    """The frame header at `pos`, or None if these 4 bytes are not a valid one."""
    if pos + 4 > len(data) or data[pos] != 0xFF or data[pos + 1] & 0xE0 != 0xE0:
        return None
    b1, b2, b3 = data[pos + 1], data[pos + 2], data[pos + 3]
    version, layer_bits = (b1 >> 3) & 3, (b1 >> 1) & 3
    bitrate_index, rate_index = b2 >> 4, (b2 >> 2) & 3
    if version == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    layer = 4 - layer_bits
    mpeg1 = version == 3
    bitrate = _BITRATES[(mpeg1, layer)][bitrate_index] * 1000
    rate = _RATES[version][rate_index]
    padding = (b2 >> 1) & 1
    if layer == 1:
        length, samples = (12 * bitrate // rate + padding) * 4, 384
    elif layer == 2 or mpeg1:
        length, samples = 144 * bitrate // rate + padding, 1152
    else:
        length, samples = 72 * bitrate // rate + padding, 576
    return FrameHeader(length, samples, rate, 1 if b3 >> 6 == 3 else 2, mpeg1)


def skip_id3(data: bytes) -> int:
    """Offset just past a leading ID3v2 tag (0 when there is none)."""
    if len(data) < 10 or data[:3] != b"ID3":
        return 0
    size = (data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | data[9] & 0x7F
    return 10 + size + (10 if data[5] & 0x10 else 0)


def find_first_frame(data: bytes, start: int, limit: int = 64 * 1024) -> int | None:
    """First offset from `start` holding a frame header followed by another one (or EOF)."""
    end = min(len(data), start + limit)
    pos = data.find(b"\xff", start, end)
    while pos != -1:
        header = parse_header(data, pos)
        if header is not None:
            following = pos + header.length
            if following >= len(data) or parse_header(data, following) is not None:
                return pos
        pos = data.find(b"\xff", pos + 1, end)
    return None


def _vbr_tag(data: bytes, pos: int, header: FrameHeader) -> tuple[bool, int | None]:
    """(the frame at `pos` is a Xing/Info/VBRI header frame, its announced frame count)."""
    if header.mpeg1:
        side = 32 if header.channels == 2 else 17
    else:
        side = 17 if header.channels == 2 else 9
    offset = pos + 4 + side
    if data[offset : offset + 4] in (b"Xing", b"Info"):
        flags = int.from_bytes(data[offset + 4 : offset + 8], "big")
        count = int.from_bytes(data[offset + 8 : offset + 12], "big") if flags & 1 else None
        return True, count
    if data[pos + 36 : pos + 40] == b"VBRI":
        return True, int.from_bytes(data[pos + 50 : pos + 54], "big")
    return False, None


def walk(data: bytes) -> WalkResult | None:
    """Walk every frame; None when no MPEG audio frame is found."""
    pos = find_first_frame(data, skip_id3(data))
    if pos is None:
        return None
    first = parse_header(data, pos)
    assert first is not None
    tagged, announced = _vbr_tag(data, pos, first)
    if tagged:
        pos += first.length
    frames = samples = 0
    complete = True
    size = len(data)
    while pos < size:
        header = parse_header(data, pos)
        if header is None:
            break  # lost sync: trailing tags (ID3v1, APE) or garbage end the audio
        if pos + header.length > size:
            complete = False
            break
        frames += 1
        samples += header.samples
        pos += header.length
    return WalkResult(
        frames=frames,
        duration_s=samples / first.sample_rate,
        sample_rate=first.sample_rate,
        channels=first.channels,
        header_frames=announced,
        complete=complete,
    )
