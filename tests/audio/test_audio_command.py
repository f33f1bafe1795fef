"""`voicectl audio`: the per-file table, `--format json`, aliases, loose files, errors."""

from __future__ import annotations

import json

import numpy as np

from tests.support.clirig import Repo
from tests.support.signals import syllables, write

VOICE = "version: 1\nalias: {a}\nengine: voice_engine_3\nlanguage: en-GB\nfiles: [{f}]\n"


def _voices(repo: Repo) -> None:
    write(repo.root / "voices/a/one.wav", syllables(4, seed=1))
    write(repo.root / "voices/b/two.wav", syllables(5, seed=2))
    repo.write("voices/a.yaml", VOICE.format(a="ann-en", f="a/one.wav"))
    repo.write("voices/b.yaml", VOICE.format(a="ben-en", f="b/two.wav"))


def test_audio_prints_a_line_and_a_table_per_voice(repo: Repo) -> None:
    _voices(repo)
    outcome = repo.run("audio")
    assert (outcome.code, outcome.err) == (0, "")
    lines = outcome.out.splitlines()
    assert lines[0].startswith("ann-en: speech 3.8 of 4.0 s · −")
    assert lines[1].split() == [
        *("secs", "speech", "LUFS", "peak", "RMS", "noise", "SNR", "clip", "%"),
        *("verdict", "file"),
    ]
    assert lines[2].split()[0] == "4.0"
    assert lines[2].split()[-2:] == ["ok", "voices/a/one.wav"]
    assert lines[3].startswith("ben-en: speech ")
    assert lines[-1] == "secs and speech in seconds; peak, RMS and noise floor in dBFS; SNR in dB"


def test_audio_json_for_one_alias(repo: Repo) -> None:
    _voices(repo)
    outcome = repo.run("audio", "ben-en", "--format", "json")
    assert outcome.code == 0
    [voice] = json.loads(outcome.out)["voices"]
    assert voice["alias"] == "ben-en"
    [item] = voice["files"]
    assert (item["path"], item["duration_s"], item["sample_rate"]) == (
        "voices/b/two.wav",
        5.0,
        16000,
    )
    assert item["codec"] == "wav/pcm_16"
    assert 4.0 < item["speech_s"] <= 5.0


def test_audio_measures_loose_files_and_exits_1_on_an_error(repo: Repo) -> None:
    write(repo.root / "takes/silent.wav", np.zeros(16000 * 2))
    outcome = repo.run("audio", "takes/silent.wav", "--format", "json")
    assert outcome.code == 1
    assert outcome.err.splitlines()[0] == (
        "takes/silent.wav: error: takes/silent.wav contains no speech (0.0 s of speech in 2.0 s)"
    )
    [group] = json.loads(outcome.out)["voices"]
    assert group["alias"] == "(files)"
    assert group["files"][0]["predicted_discard"] == "silent audio (peak below -60 dBFS)"


def test_audio_names_an_unknown_alias(repo: Repo) -> None:
    _voices(repo)
    outcome = repo.run("audio", "nobody-en")
    assert (outcome.code, outcome.err) == (1, "error: no declared voice or file named nobody-en\n")
