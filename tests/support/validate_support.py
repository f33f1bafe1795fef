"""Helpers for the validate tests: audio writers (WAV, hand-built MPEG frames) and a
throw-away repository. Imported by conftest.py and the test modules."""

from __future__ import annotations

import random
import wave
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tests.support.sound import speechlike

VOICE3 = """\
version: 1
alias: {alias}
engine: voice_engine_3
language: en-GB
files:
{files}
"""


def write_wav(path: Path, seconds: float, *, rate: int = 8000, width: int = 1) -> Path:
    """A mono WAV of `seconds` (a low rate keeps long files small)."""
    return write_wav_frames(path, round(seconds * rate), rate=rate, width=width)


def write_wav_frames(path: Path, frames: int, *, rate: int = 8000, width: int = 1) -> Path:
    """A mono WAV with exactly `frames` frames (file size = 44 + frames * width)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # distinct noise per path: files are not duplicates of each other (audio quality)
    noise = random.Random(path.as_posix()).randbytes(frames * width)
    data = speechlike(noise, width, rate)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(data)
    return path


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


@dataclass
class Repo:
    root: Path

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def voice3(self, name: str, alias: str, files: Iterable[str], extra: str = "") -> Path:
        """voices/<name>.yaml, a voice_engine_3 voice with the given file entries."""
        listing = "\n".join(f"  - {f}" for f in files)
        return self.write(f"voices/{name}.yaml", VOICE3.format(alias=alias, files=listing) + extra)

    def wav(self, rel: str, seconds: float = 2.0, **kw: int) -> Path:
        return write_wav(self.root / rel, seconds, **kw)


@dataclass
class CliRun:
    code: int
    out: str
    err: str
