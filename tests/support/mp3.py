"""Hand-built MPEG-1 Layer III frames for the duration and header tests (no encoder needed)."""

from __future__ import annotations

from pathlib import Path


def mp3_frame(bitrate_index: int, *, payload: bytes = b"") -> bytes:
    """One MPEG-1 Layer III mono 44.1 kHz frame (no CRC, no padding)."""
    kbps = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)[bitrate_index]
    length = 144 * kbps * 1000 // 44100
    header = bytes((0xFF, 0xFB, bitrate_index << 4, 0xC4))
    body = payload[: length - 4].ljust(length - 4, b"\x00")
    return header + body


def xing_frame(frames: int) -> bytes:
    """A first frame carrying a Xing header that announces `frames` frames."""
    side = bytes(17)  # MPEG-1 mono side information
    return mp3_frame(9, payload=side + b"Xing" + (1).to_bytes(4, "big") + frames.to_bytes(4, "big"))


def write_vbr_mp3(path: Path, count: int) -> Path:
    """`count` frames alternating 32 and 320 kbps, without any Xing/VBRI header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(mp3_frame(1 if i % 2 else 14) for i in range(count)))
    return path
