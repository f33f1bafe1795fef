"""measure_file on synthetic signals whose levels are known in closed form: peak, RMS,
clipping, DC offset, noise floor, silence, speech, and the bounded streaming decode."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from reconciler.audio.decode import DecodeError
from reconciler.audio.measure import measure_file
from reconciler.model.quality import DB_FLOOR
from reconciler.model.values import Sha256
from tests.support.signals import RATE, noise, syllables, tone, write, write_mp3

SHA = Sha256("0" * 64)


def test_a_half_scale_sine_has_known_peak_rms_and_loudness(tmp_path: Path) -> None:
    m = measure_file(write(tmp_path / "sine.wav", tone(5, 0.5, rate=48000), 48000), SHA)
    assert m.peak_dbfs == pytest.approx(20 * math.log10(0.5), abs=0.01)  # -6.02
    assert m.rms_dbfs == pytest.approx(20 * math.log10(0.5 / math.sqrt(2)), abs=0.01)  # -9.03
    # BS.1770: a 997 Hz sine at 0 dBFS peak reads -3.01 LUFS on one channel
    assert m.loudness_lufs == pytest.approx(-3.01 - 6.02, abs=0.1)
    assert (m.sample_rate, m.channels, m.codec) == (48000, 1, "wav/pcm_16")
    assert m.duration_s == 5.0
    assert m.clipped_percent == 0.0


def test_clipping_is_the_share_of_samples_at_full_scale(tmp_path: Path) -> None:
    clipped = np.clip(tone(4, 2.0), -1.0, 1.0)
    m = measure_file(write(tmp_path / "clip.wav", clipped, subtype="FLOAT"), SHA)
    # |2 sin x| >= 0.999 for all but 2/π·asin(0.4995) of the period
    expected = 100 * (1 - 2 / math.pi * math.asin(0.999 / 2))
    assert m.clipped_percent == pytest.approx(expected, abs=0.2)
    assert m.peak_dbfs == 0.0


def test_dc_offset_is_the_mean_in_percent_of_full_scale(tmp_path: Path) -> None:
    m = measure_file(write(tmp_path / "dc.wav", tone(3, 0.3) + 0.05, subtype="FLOAT"), SHA)
    assert m.dc_offset_percent == pytest.approx(5.0, abs=0.05)


def test_the_noise_floor_is_the_level_of_the_quietest_windows(tmp_path: Path) -> None:
    speech = syllables(10) + noise(10, 0.001, seed=3)  # noise at -60 dBFS RMS underneath
    m = measure_file(write(tmp_path / "noisy.wav", speech, subtype="FLOAT"), SHA)
    assert m.noise_floor_dbfs == pytest.approx(-60.0, abs=1.0)
    assert m.snr_db > 30


def test_digital_silence_is_floored_and_has_no_speech(tmp_path: Path) -> None:
    m = measure_file(write(tmp_path / "silence.wav", np.zeros(RATE * 3)), SHA)
    assert (m.peak_dbfs, m.rms_dbfs, m.loudness_lufs, m.noise_floor_dbfs) == (DB_FLOOR,) * 4
    assert (m.speech_s, m.longest_silence_s) == (0.0, 3.0)


def test_stationary_room_noise_is_not_speech(tmp_path: Path) -> None:
    # WebRTC's detector alone calls loud noise speech; the noise-floor gate does not
    m = measure_file(write(tmp_path / "room.wav", noise(6, 0.03)), SHA)
    assert m.speech_s == 0.0
    assert m.noise_floor_dbfs == pytest.approx(20 * math.log10(0.03), abs=0.5)


def test_syllables_with_pauses_are_speech_and_the_longest_pause_is_measured(
    tmp_path: Path,
) -> None:
    samples = np.concatenate((syllables(4, seed=1), np.zeros(RATE * 2), syllables(4, seed=2)))
    m = measure_file(write(tmp_path / "talk.wav", samples), SHA)
    assert m.speech_s == pytest.approx(8.0, rel=0.06)
    assert m.longest_silence_s == pytest.approx(2.1, abs=0.15)


def test_a_long_file_streams_in_blocks_with_the_same_figures(tmp_path: Path) -> None:
    pyloudnorm = pytest.importorskip("pyloudnorm")
    samples = np.concatenate(
        [syllables(5, 44100, seed=s, level=0.02 * (1 + s % 3)) for s in range(7)]
    )
    stereo = np.stack((samples, 0.5 * samples), axis=1)  # 35 s: four decode blocks
    path = write(tmp_path / "long.flac", stereo, 44100)
    m = measure_file(path, SHA)
    reference = pyloudnorm.Meter(44100).integrated_loudness(stereo)
    assert m.loudness_lufs == pytest.approx(reference, abs=0.1)
    assert m.channels == 2
    assert m.duration_s == pytest.approx(35.0, abs=0.001)


def test_mp3_is_decoded(tmp_path: Path) -> None:
    m = measure_file(write_mp3(tmp_path / "take.mp3", syllables(6)), SHA)
    assert m.codec == "mp3/mpeg_layer_iii"
    assert m.speech_s > 4


def test_undecodable_content_is_a_decode_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.wav"
    path.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    with pytest.raises(DecodeError):
        measure_file(path, SHA)
