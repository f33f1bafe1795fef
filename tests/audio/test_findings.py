"""Every quality finding through `voicectl validate`, worded exactly, at the file entry's
line:col, with its fix; and the `quality:` settings that change or silence them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.support.clirig import Repo, make_repo
from tests.support.signals import noise, syllables, tone, write, write_mp3

HEADER = "version: 1\nalias: {alias}\nengine: voice_engine_3\nlanguage: en-GB\nfiles:\n"


@pytest.fixture
def offline(tmp_path: Path) -> Repo:
    return make_repo(tmp_path / "repo")


def declare(repo: Repo, alias: str, *files: str, extra: str = "") -> None:
    listed = "".join(f"  - {f}\n" for f in files)
    repo.write(f"voices/{alias}.yaml", HEADER.format(alias=alias) + listed + extra)


def good(repo: Repo, rel: str, seed: int, seconds: float = 4.0) -> None:
    write(repo.root / "voices" / rel, syllables(seconds, seed=seed))


def lines(repo: Repo) -> tuple[int, list[str]]:
    outcome = repo.run("validate")
    return outcome.code, outcome.err.splitlines()


def test_a_clean_voice_has_no_findings(offline: Repo) -> None:
    good(offline, "a/one.wav", 1)
    good(offline, "a/two.wav", 2)
    declare(offline, "clean-en", "a/one.wav", "a/two.wav")
    assert lines(offline) == (0, ["✓ 1 voice valid (0 warnings)"])


def test_a_file_without_speech_is_an_error(offline: Repo) -> None:
    good(offline, "a/one.wav", 1)
    write(offline.root / "voices/a/hum.wav", noise(3, 0.0005))
    declare(offline, "hum-en", "a/one.wav", "a/hum.wav")
    code, err = lines(offline)
    assert code == 1
    assert err[:2] == [
        "voices/hum-en.yaml:7:5: error: voices/a/hum.wav contains no speech "
        "(0.0 s of speech in 3.0 s)",
        "  hint: remove it or replace it with a recording of the speaker",
    ]


def test_heavy_clipping_is_an_error_and_light_clipping_a_warning(offline: Repo) -> None:
    speech = syllables(6, seed=4)
    heavy = np.clip(speech * 40, -1, 1)
    light = speech.copy()
    light[:: len(light) // 40][:20] = 1.0  # 20 samples at full scale: 0.02 %
    write(offline.root / "voices/a/heavy.wav", heavy, subtype="FLOAT")
    write(offline.root / "voices/a/light.wav", light, subtype="FLOAT")
    declare(
        offline,
        "clip-en",
        "a/heavy.wav",
        "a/light.wav",
        extra="quality: {checks: {peak: off, rms_high: off, clipping: {threshold: 0.01}}}\n",
    )
    code, err = lines(offline)
    assert code == 1
    heavy_line = next(line for line in err if "heavy.wav is heavily clipped" in line)
    assert heavy_line.startswith("voices/clip-en.yaml:6:5: error: voices/a/heavy.wav is heavily")
    assert (
        "voices/clip-en.yaml:7:5: warning: voices/a/light.wav is clipped: 0.02 % of samples "
        "at full scale" in err
    )
    assert "  hint: re-record with less input gain: clipping cannot be repaired" in err


def test_the_same_bytes_twice_are_a_duplicate(offline: Repo) -> None:
    good(offline, "a/take-03.wav", 3)
    (offline.root / "voices/a/copy.wav").write_bytes(
        (offline.root / "voices/a/take-03.wav").read_bytes()
    )
    declare(offline, "dup-en", "a/take-03.wav", "a/copy.wav")
    code, err = lines(offline)
    assert code == 1
    assert err[:2] == [
        "voices/dup-en.yaml:7:5: error: voices/a/copy.wav has the same content as "
        "voices/a/take-03.wav",
        "  hint: remove the duplicate of take-03.wav",
    ]


def test_a_wav_and_its_128_kbps_mp3_are_the_same_recording(offline: Repo) -> None:
    speech = syllables(8, 44100, seed=7)
    write(offline.root / "voices/a/take.wav", speech, 44100)
    write_mp3(offline.root / "voices/a/take.mp3", speech, 44100)
    good(offline, "a/other.wav", 8, seconds=8.0)  # another take: not a duplicate
    declare(offline, "enc-en", "a/take.wav", "a/other.wav", "a/take.mp3")
    code, err = lines(offline)
    assert code == 1
    found = [line for line in err if "same recording" in line]
    assert len(found) == 1
    assert found[0].startswith(
        "voices/enc-en.yaml:8:5: error: voices/a/take.mp3 is the same recording as "
        "voices/a/take.wav (another encoding: fingerprints differ in "
    )


def test_acx_levels_are_warnings_with_a_fix(offline: Repo) -> None:
    write(offline.root / "voices/a/quiet.wav", syllables(4, seed=1, level=0.005))
    write(offline.root / "voices/a/noisy.wav", syllables(4, seed=2) + noise(4, 0.01, seed=5))
    declare(offline, "acx-en", "a/quiet.wav", "a/noisy.wav")
    code, err = lines(offline)
    assert code == 0
    quiet = [line for line in err if "quiet.wav is quiet: RMS" in line]
    assert quiet and quiet[0].startswith("voices/acx-en.yaml:6:5: warning: ")
    assert "  hint: normalise to −20 dBFS RMS (ACX: −23 to −18)" in err
    noisy = [line for line in err if "noisy.wav has a noise floor of" in line]
    assert noisy and noisy[0].endswith("dBFS (above -60 dBFS)")
    assert "  hint: record in a quieter room or reduce the noise" in err
    spread = [line for line in err if "the files' loudness differs by" in line]
    assert spread and spread[0].startswith("voices/acx-en.yaml:5:1: warning: ")


def test_peaks_dc_and_mixed_rates_are_warnings(offline: Repo) -> None:
    loud = syllables(4, seed=1)
    loud[100] = 0.9  # one peak at -0.9 dBFS
    write(offline.root / "voices/a/peak.wav", loud)
    write(
        offline.root / "voices/a/dc.wav", syllables(4, 22050, seed=2) + 0.03, 22050, subtype="FLOAT"
    )
    declare(offline, "lvl-en", "a/peak.wav", "a/dc.wav")
    code, err = lines(offline)
    assert code == 0
    assert (
        "voices/lvl-en.yaml:6:5: warning: voices/a/peak.wav peaks at -0.9 dBFS (above -3 dBFS)"
        in err
    )
    assert (
        "voices/lvl-en.yaml:7:5: warning: voices/a/dc.wav has a DC offset of 3.00 % of full scale"
        in err
    )
    assert "voices/lvl-en.yaml:5:1: warning: the files mix sample rates (16,000, 22,050 Hz)" in err
    assert "  hint: resample them to one rate (e.g. 22,050 Hz)" in err


def test_a_consent_recording_without_speech_is_an_error(offline: Repo) -> None:
    good(offline, "a/one.wav", 1)
    write(offline.root / "voices/a/consent.wav", np.zeros(16000 * 3))
    offline.write(
        "voices/std.yaml",
        "version: 1\nalias: std-en\nengine: voice_engine_2\nlanguage: en-GB\n"
        "files:\n  - a/one.wav\nconsent: a/consent.wav\n",
    )
    code, err = lines(offline)
    assert code == 1
    assert (
        "voices/std.yaml:7:10: error: the consent recording voices/a/consent.wav contains no "
        "speech (0.0 s of speech in 3.0 s)"
    ) in err
    assert "  hint: record the speaker agreeing to be cloned" in err


def test_strict_makes_speech_below_the_engine_minimum_an_error(offline: Repo) -> None:
    talk = np.concatenate((syllables(1.0, seed=1), np.zeros(16000)))  # 2 s, 0.8 s of speech
    write(offline.root / "voices/a/short.wav", talk)
    declare(offline, "min-en", "a/short.wav")
    message = (
        "voices/min-en.yaml:5:1: {}: voice_engine_3 needs 1.5 s of speech; this voice has "
        "0.8 s of speech in 2.0 s of audio"
    )
    code, err = lines(offline)
    assert (code, message.format("warning") in err) == (0, True)
    offline.write("voicectl.yaml", "quality:\n  strict: true\n")
    code, err = lines(offline)
    assert (code, message.format("error") in err) == (1, True)
    assert "  hint: add recordings: silence and pauses do not teach the clone" in err


def test_quality_false_turns_every_check_off(offline: Repo) -> None:
    write(offline.root / "voices/a/silence.wav", np.zeros(16000 * 2))
    write(offline.root / "voices/a/tone.wav", tone(2, 0.99))
    declare(offline, "off-en", "a/silence.wav", "a/tone.wav", extra="quality: false\n")
    assert lines(offline) == (0, ["✓ 1 voice valid (0 warnings)"])


def test_project_levels_apply_and_a_voice_overrides_them(offline: Repo) -> None:
    write(offline.root / "voices/a/silence.wav", np.zeros(16000 * 2))
    good(offline, "a/one.wav", 1)
    declare(offline, "lvl-en", "a/silence.wav", "a/one.wav")
    offline.write("voicectl.yaml", "quality:\n  checks:\n    no_speech: warning\n")
    code, err = lines(offline)
    assert code == 0
    assert err[0].startswith("voices/lvl-en.yaml:6:5: warning: voices/a/silence.wav contains no")
    declare(
        offline,
        "lvl-en",
        "a/silence.wav",
        "a/one.wav",
        extra="quality: {checks: {no_speech: off}}\n",
    )
    assert lines(offline) == (0, ["✓ 1 voice valid (0 warnings)"])


def test_a_bad_quality_block_is_a_schema_error(offline: Repo) -> None:
    good(offline, "a/one.wav", 1)
    declare(offline, "bad-en", "a/one.wav", extra="quality: {checks: {peak: loud}}\n")
    code, err = lines(offline)
    assert code == 1
    assert err[0].startswith("voices/bad-en.yaml:")
