"""Measure one audio file from its decoded samples: levels, clipping, loudness, noise
floor, speech, silence, DC offset and a fingerprint, in one streaming pass.

Definitions (docs/audio-quality.md): peak and RMS over every sample of every channel;
clipped = samples at FULL_SCALE or above; noise floor = mean power of the quietest
NOISE_SHARE of 50 ms windows (channels mixed to mono); SNR = speech level − noise floor.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from reconciler.audio.decode import open_stream
from reconciler.audio.fingerprint import FINGERPRINT_S, fingerprint
from reconciler.audio.loudness import LoudnessMeter
from reconciler.audio.vad import SpeechDetector
from reconciler.model.quality import DB_FLOOR, FULL_SCALE, FileMeasures
from reconciler.model.values import Sha256

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

NOISE_SHARE = 0.10


def measure_file(path: Path, sha256: Sha256) -> FileMeasures:
    """Decode `path` once and measure it (DecodeError when it cannot be decoded)."""
    import numpy as np

    stream = open_stream(path)
    loudness = LoudnessMeter(stream.sample_rate, stream.sub_frames)
    speech = SpeechDetector(stream.sample_rate)
    speech.keep_s = FINGERPRINT_S + 1
    window = max(1, stream.sub_frames // 2)
    peak = total_square = total = 0.0
    clipped = frames = 0
    windows: list[npt.NDArray[np.float64]] = []
    pending = None
    for block in stream.blocks:
        if pending is not None:
            speech.feed(pending)
        peak = max(peak, float(block.max()), -float(block.min()))
        if peak >= FULL_SCALE:
            clipped += int(np.count_nonzero(block >= FULL_SCALE))
            clipped += int(np.count_nonzero(block <= -FULL_SCALE))
        total_square += float(np.einsum("ij,ij->", block, block, dtype=np.float64))
        total += float(block.sum(dtype=np.float64))
        frames += len(block)
        loudness.feed(block)
        mono = _mono(block)
        whole = len(mono) // window
        if whole:
            shaped = mono[: whole * window].reshape(whole, window)
            windows.append(np.einsum("ij,ij->i", shaped, shaped, dtype=np.float64) / window)
        pending = mono
    if pending is not None:
        speech.feed(pending, last=True)
    samples = frames * stream.channels
    noise = _noise_floor(np.concatenate(windows) if windows else np.zeros(0))
    found = speech.result(noise)
    mono8 = np.concatenate(speech.resampled) if speech.resampled else np.zeros(0, np.float32)
    return FileMeasures(
        sha256=sha256,
        duration_s=round(frames / stream.sample_rate, 3),
        sample_rate=stream.sample_rate,
        channels=stream.channels,
        codec=stream.codec,
        peak_dbfs=_db(peak * peak),
        clipped_percent=round(100 * clipped / samples, 4) if samples else 0.0,
        rms_dbfs=_db(total_square / samples if samples else 0.0),
        loudness_lufs=round(loudness.integrated(), 2),
        noise_floor_dbfs=noise,
        snr_db=round(max(0.0, found.level_dbfs - noise), 2) if found.seconds else 0.0,
        speech_s=found.seconds,
        longest_silence_s=found.longest_silence_s,
        dc_offset_percent=round(100 * abs(total / samples), 4) if samples else 0.0,
        fingerprint=fingerprint(mono8),
    )


def _mono(block: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Channels averaged (a loop: numpy reduces a 2-wide axis slowly)."""
    if block.shape[1] == 1:
        return block[:, 0]
    mono = block[:, 0].copy()
    for channel in range(1, block.shape[1]):
        mono += block[:, channel]
    mono *= 1 / block.shape[1]
    return mono


def _noise_floor(powers: npt.NDArray[np.float64]) -> float:
    import numpy as np

    if len(powers) == 0:
        return DB_FLOOR
    count = max(1, int(len(powers) * NOISE_SHARE))
    quietest = np.partition(powers, count - 1)[:count]
    return _db(float(quietest.mean()))


def _db(power: float) -> float:
    return round(max(DB_FLOOR, 10 * math.log10(power)), 2) if power > 0 else DB_FLOOR
