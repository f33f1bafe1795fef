"""Speech detection: the WebRTC voice activity detector on 30 ms frames at 8 kHz (its
own internal rate), fed by a streaming resampler (soxr), with an energy gate against
the file's own noise floor.

WebRTC's detector calls any loud stationary sound speech (room noise, hum, a test tone);
a frame counts only if it is also SPEECH_MARGIN_DB above the noise floor and above
SPEECH_MIN_DBFS. Pauses shorter than HANGOVER_S inside speech count as speech, as
listeners hear them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reconciler.model.quality import DB_FLOOR

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

VAD_RATE = 8000
FRAME = 240  # 30 ms at 8 kHz
FRAME_S = FRAME / VAD_RATE
AGGRESSIVENESS = 2
SPEECH_MARGIN_DB = 10.0
SPEECH_MIN_DBFS = -55.0
HANGOVER_S = 0.3


@dataclass(frozen=True, slots=True)
class Speech:
    seconds: float
    longest_silence_s: float
    level_dbfs: float  # mean power of the speech frames


class SpeechDetector:
    """Feed mono float32 blocks at the source rate; `result(noise_floor_dbfs)` at the end."""

    def __init__(self, rate: int) -> None:
        import numpy as np
        import soxr
        import webrtcvad

        self._np = np
        self._vad = webrtcvad.Vad(AGGRESSIVENESS)
        self._resampler = (
            None if rate == VAD_RATE else soxr.ResampleStream(rate, VAD_RATE, 1, quality="LQ")
        )
        self._carry: npt.NDArray[np.float32] = np.zeros(0, dtype=np.float32)
        self.flags: list[bool] = []
        self.powers: list[npt.NDArray[np.float64]] = []
        self.resampled: list[npt.NDArray[np.float32]] = []  # kept by the caller's choice
        self.keep_s = 0.0

    def feed(self, mono: npt.NDArray[np.float32], *, last: bool = False) -> None:
        np = self._np
        audio = mono if self._resampler is None else self._resampler.resample_chunk(mono, last)
        if self.keep_s > 0 and sum(map(len, self.resampled)) < self.keep_s * VAD_RATE:
            self.resampled.append(audio)
        audio = np.concatenate((self._carry, audio)) if len(self._carry) else audio
        count = len(audio) // FRAME
        self._carry = audio[count * FRAME :]
        if count == 0:
            return
        frames = audio[: count * FRAME].reshape(count, FRAME)
        self.powers.append(np.mean(np.square(frames, dtype=np.float64), axis=1))
        pcm = (np.clip(frames, -1.0, 1.0) * 32767).astype("<i2")
        is_speech = self._vad.is_speech
        self.flags.extend(is_speech(row.tobytes(), VAD_RATE) for row in pcm)

    def result(self, noise_floor_dbfs: float) -> Speech:
        np = self._np
        if not self.flags:
            return Speech(0.0, 0.0, DB_FLOOR)
        power = np.concatenate(self.powers)
        gate = 10 ** (max(SPEECH_MIN_DBFS, noise_floor_dbfs + SPEECH_MARGIN_DB) / 10)
        speech = np.asarray(self.flags) & (power >= gate)
        speech = _fill_short_gaps(speech, round(HANGOVER_S / FRAME_S))
        level = float(power[speech].mean()) if speech.any() else 0.0
        return Speech(
            seconds=round(float(speech.sum()) * FRAME_S, 3),
            longest_silence_s=round(_longest_run(~speech) * FRAME_S, 3),
            level_dbfs=max(DB_FLOOR, 10 * math.log10(level)) if level > 0 else DB_FLOOR,
        )


def _runs(mask: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    import numpy as np

    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _longest_run(mask: npt.NDArray[np.bool_]) -> int:
    starts, ends = _runs(mask)
    return int((ends - starts).max()) if len(starts) else 0


def _fill_short_gaps(speech: npt.NDArray[np.bool_], frames: int) -> npt.NDArray[np.bool_]:
    """Gaps of at most `frames` between two speech frames become speech."""
    starts, ends = _runs(~speech)
    filled = speech.copy()
    for start, end in zip(starts, ends, strict=True):
        if start > 0 and end < len(speech) and end - start <= frames:
            filled[start:end] = True
    return filled
