"""Streaming decode of one audio file into float32 blocks (libsndfile through soundfile).

Memory stays bounded: blocks of BLOCK_SUBS × 100 ms whatever the file size. WAV, FLAC,
OGG/Vorbis/Opus and MP3 decode here; M4A (AAC) does not, and says so (DecodeError).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

BLOCK_SUBS = 100  # a decoded block is 100 loudness sub-blocks of 100 ms: 10 s of audio


class DecodeError(Exception):
    """The file cannot be decoded by libsndfile (message names the reason)."""


@dataclass(frozen=True, slots=True)
class Stream:
    """What the decoder knows before reading, and the block iterator."""

    sample_rate: int
    channels: int
    codec: str  # "wav/pcm_16", "mp3/mpeg_layer_iii", …
    sub_frames: int  # frames in 100 ms
    blocks: Iterator[npt.NDArray[np.float32]]  # (frames, channels), sub_frames multiples


def open_stream(path: Path) -> Stream:
    """Open `path` for streaming; DecodeError when libsndfile cannot read it."""
    import soundfile

    try:
        handle = soundfile.SoundFile(str(path))
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise DecodeError(str(exc).splitlines()[0][:160]) from exc
    rate = int(handle.samplerate)
    sub = max(1, round(rate / 10))
    codec = f"{handle.format}/{handle.subtype}".lower()
    return Stream(rate, int(handle.channels), codec, sub, _blocks(handle, sub * BLOCK_SUBS))


def _blocks(handle: object, size: int) -> Iterator[npt.NDArray[np.float32]]:
    import soundfile

    assert isinstance(handle, soundfile.SoundFile)
    with handle:
        try:
            while True:
                block = handle.read(size, dtype="float32", always_2d=True)
                if len(block) == 0:
                    return
                yield block
                if len(block) < size:
                    return
        except (RuntimeError, soundfile.LibsndfileError) as exc:
            raise DecodeError(str(exc).splitlines()[0][:160]) from exc
