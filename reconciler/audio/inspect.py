"""Audio facts of one local file, read offline: sha256, size, container, duration.

The container is sniffed from the content and must match the extension. WAV is parsed
here (so truncation is seen), MP3 by the frame walker (VBR without Xing is common),
FLAC/OGG/M4A by mutagen. Engine limits are not judged here (rules.py does that).
"""

from __future__ import annotations

import hashlib
import io
import math
import mmap
import os
import stat
import struct
from fractions import Fraction
from pathlib import Path
from typing import cast

from reconciler.audio import mp3frames
from reconciler.audio.plausible import ImplausibleAudio, check_plausible
from reconciler.model.durations import micros
from reconciler.model.enginetable import MB
from reconciler.model.errors import Diagnostic, Location, Severity
from reconciler.model.values import AudioInfo, Sha256

MAX_FILE_BYTES = 500 * MB
CHUNK = 1 << 20
ACCEPTED = "WAV, MP3, FLAC, OGG or M4A"
EXTENSIONS = {
    "wav": "wav",
    "wave": "wav",
    "mp3": "mp3",
    "flac": "flac",
    "ogg": "ogg",
    "oga": "ogg",
    "opus": "ogg",
    "m4a": "m4a",
}
_UNSUPPORTED = {"webm": "WebM/Matroska", "aiff": "AIFF", "rf64": "RF64 WAV", "caf": "CAF"}


class AudioProblem(Exception):
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def sniff_container(head: bytes) -> str | None:
    """Container name from the first bytes ("wav", "mp3", …, or an unsupported name)."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"RF64":
        return "rf64"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"OggS":
        return "ogg"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if head[:4] == b"caff":
        return "caf"
    if head[:3] == b"ID3" or mp3frames.parse_header(head, 0) is not None:
        return "mp3"
    return None


def inspect_audio(path: Path, display: str, location: Location) -> AudioInfo | Diagnostic:
    """Facts about the regular file `path` (shown as `display`), or an error at `location`."""
    try:
        return _inspect(path, display)
    except AudioProblem as problem:
        return Diagnostic(location, Severity.ERROR, problem.message, problem.hint, code="audio")
    except OSError as exc:
        message = f"cannot read {display}: {exc.strerror or exc}"
        return Diagnostic(location, Severity.ERROR, message, code="audio")


def _inspect(path: Path, display: str) -> AudioInfo:
    # O_NONBLOCK + fstat: a file swapped for a FIFO after the path check cannot block us;
    # the size is checked before any read, the file is mapped (not read into memory)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb"):
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise AudioProblem(f"{display} is not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise AudioProblem(
                f"{display} is larger than the per-file limit of 500 MB ({info.st_size:,} bytes)",
                "split the recording into shorter files",
            )
        if info.st_size == 0:
            raise AudioProblem(f"{display} is empty", "re-export the recording")
        with mmap.mmap(fd, 0, access=mmap.ACCESS_READ) as mapped:
            return _facts(cast(bytes, mapped), display)


def _facts(data: bytes, display: str) -> AudioInfo:
    container = sniff_container(data[:64])
    if container is None:
        raise AudioProblem(
            f"{display} is not an audio file (expected {ACCEPTED})", f"convert it to {ACCEPTED}"
        )
    if container in _UNSUPPORTED:
        raise AudioProblem(
            f"{display} is {_UNSUPPORTED[container]} audio, which AudioStack does not accept",
            f"convert it to {ACCEPTED}",
        )
    name = display.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if EXTENSIONS.get(extension) != container:
        stem = name.rsplit(".", 1)[0] if "." in name else name
        suffix = f".{extension}" if extension else " (no extension)"
        raise AudioProblem(
            f"{display} contains {container.upper()} audio but its name ends in {suffix}",
            f"rename it to {stem}.{container}: AudioStack picks the format from the file name",
        )
    if container == "wav":
        duration, rate, channels = _wav_facts(data, display)
    elif container == "mp3":
        duration, rate, channels = _mp3_facts(data, display)
    else:
        duration, rate, channels = _mutagen_facts(data, display, container)
    if duration <= 0:
        raise AudioProblem(f"{display} contains no audio", "re-export the recording")
    try:
        check_plausible(display, duration, len(data), rate)
    except ImplausibleAudio as exc:
        raise AudioProblem(exc.message, exc.hint) from None
    digest = hashlib.sha256()
    for start in range(0, len(data), CHUNK):  # streamed: one chunk in memory at a time
        digest.update(data[start : start + CHUNK])
    return AudioInfo(
        sha256=Sha256(digest.hexdigest()),
        bytes=len(data),
        container=container,
        duration_s=micros(duration) / 1_000_000,
        sample_rate=rate,
        channels=channels,
    )


TRUNCATED_HINT = "the file is cut short: re-export or copy it again"


def _wav_facts(data: bytes, display: str) -> tuple[Fraction, int, int]:
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        if chunk == b"fmt " and size >= 16:
            if pos + 8 + 16 > len(data):
                raise AudioProblem(
                    f"{display} is truncated inside its fmt chunk "
                    f"({len(data) - pos - 8} of 16 bytes present)",
                    TRUNCATED_HINT,
                )
            fmt = struct.unpack_from("<HHIIH", data, pos + 8)
        elif chunk == b"data":
            if fmt is None:
                raise AudioProblem(
                    f"{display} is not a readable WAV file (no fmt chunk)", TRUNCATED_HINT
                )
            _, channels, rate, _, block_align = fmt
            if channels == 0 or rate == 0 or block_align == 0:
                raise AudioProblem(
                    f"{display} is not a readable WAV file (bad fmt chunk: {channels} "
                    f"channels, {rate} Hz, block align {block_align})",
                    "re-export the recording",
                )
            present = len(data) - (pos + 8)
            frames = size // block_align
            if frames * block_align > present:
                raise AudioProblem(
                    f"{display} is truncated: its header announces {frames / rate:.1f} s, "
                    f"only {present // block_align / rate:.1f} s is present",
                    TRUNCATED_HINT,
                )
            return Fraction(frames, rate), rate, channels
        pos += 8 + size + (size & 1)
    raise AudioProblem(f"{display} is not a readable WAV file (no data chunk)", TRUNCATED_HINT)


def _mp3_facts(data: bytes, display: str) -> tuple[Fraction, int, int]:
    result = mp3frames.walk(data)
    if result is None or result.frames == 0:
        raise AudioProblem(f"{display} is not a readable MP3 file (no MPEG audio frames)")
    if result.header_frames is not None and result.header_frames > result.frames:
        raise AudioProblem(
            f"{display} is truncated: its Xing header announces {result.header_frames} frames, "
            f"only {result.frames} are present",
            TRUNCATED_HINT,
        )
    if not result.complete:
        raise AudioProblem(
            f"{display} is truncated: the last MPEG frame is cut off", TRUNCATED_HINT
        )
    return Fraction(result.duration_s), result.sample_rate, result.channels


def _mutagen_facts(data: bytes, display: str, container: str) -> tuple[Fraction, int, int]:
    import mutagen

    try:
        parsed = mutagen.File(io.BytesIO(data[:]) if len(data) < CHUNK else data)
    except Exception as exc:
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise AudioProblem(
            f"{display} is not a readable {container.upper()} file ({reason})"
        ) from exc
    if parsed is None or getattr(parsed, "info", None) is None:
        raise AudioProblem(f"{display} is not a readable {container.upper()} file")
    info = parsed.info
    length = float(getattr(info, "length", 0) or 0)
    if not math.isfinite(length):
        raise AudioProblem(f"{display} is not a readable {container.upper()} file (no length)")
    return (
        Fraction(length),
        int(getattr(info, "sample_rate", 0) or 0),
        int(getattr(info, "channels", 0) or 0),
    )
