"""Accuracy against references nobody here wrote: integrated loudness within 0.5 LU of
ffmpeg's ebur128 filter, speech duration within 5 % on espeak-ng speech with inserted
silences of known length. Each skips with a reason when its tool is not installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from reconciler.audio.measure import measure_file
from reconciler.model.values import Sha256
from tests.support.signals import espeak, noise, syllables, trimmed_length, write, write_mp3

SHA = Sha256("0" * 64)
SENTENCES = (
    "Voice cloning copies the recording, noise and clipping included.",
    "Measure every take before you spend a single credit on it.",
    "The quick brown fox jumps over the lazy dog, twice, for good measure.",
)


def ffmpeg_loudness(path: Path) -> float:
    done = subprocess.run(
        [
            "ffmpeg",
            "-nostats",
            "-hide_banner",
            "-i",
            str(path),
            "-af",
            "ebur128",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = done.stderr.rsplit("Summary:", 1)[-1]
    found = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    assert found, done.stderr[-500:]
    return float(found.group(1))


def _speech(tmp_path: Path) -> tuple[np.ndarray, int]:
    spoken = espeak(" ".join(SENTENCES), tmp_path / "espeak.wav")
    if spoken is None:
        return syllables(12, 22050, seed=5), 22050
    return spoken, 22050


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_integrated_loudness_is_within_half_a_lu_of_ffmpeg(tmp_path: Path) -> None:
    speech, rate = _speech(tmp_path)
    quiet = 0.1 * speech + noise(len(speech) / rate, 0.002, rate, seed=9)[: len(speech)]
    stereo = np.stack((speech, 0.7 * np.roll(speech, 40)), axis=1)
    files = [
        write(tmp_path / "speech.wav", speech, rate),
        write(tmp_path / "quiet.wav", quiet, rate, subtype="PCM_24"),
        write(tmp_path / "stereo.flac", stereo, rate),
        write_mp3(tmp_path / "speech.mp3", speech, rate),
        write(tmp_path / "tone48.wav", 0.25 * np.sin(np.arange(96000) * 0.3), 48000),
    ]
    for path in files:
        ours = measure_file(path, SHA).loudness_lufs
        assert abs(ours - ffmpeg_loudness(path)) <= 0.5, path.name


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_speech_duration_is_within_five_percent_on_espeak_speech_with_silences(
    tmp_path: Path,
) -> None:
    rate = 22050
    pieces, known = [], 0.0
    for index, sentence in enumerate(SENTENCES):
        spoken = espeak(sentence, tmp_path / f"s{index}.wav")
        assert spoken is not None
        known += trimmed_length(spoken, rate)
        pieces += [spoken, np.zeros(int((1.5 + index) * rate))]  # 1.5, 2.5, 3.5 s of silence
    recording = np.concatenate(pieces)
    m = measure_file(write(tmp_path / "talk.wav", recording, rate), SHA)
    assert m.speech_s == pytest.approx(known, rel=0.05)
    assert m.longest_silence_s >= 3.5
