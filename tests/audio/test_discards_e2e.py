"""The prediction end to end: plan says which files the server will discard (silent,
heavily clipped, the same bytes twice); the emulator discards by the same rules
(api-contract.md E27); the apply report puts predicted and actual side by side."""

from __future__ import annotations

import json
import shutil

import numpy as np

from tests.support.clirig import Repo
from tests.support.planschema import assert_valid_plan_json
from tests.support.signals import syllables, write

LET_THROUGH = (
    "quality:\n  checks: {no_speech: warning, heavy_clipping: warning, duplicate: warning}\n"
)


def test_predicted_discards_match_what_the_emulator_discards(repo: Repo) -> None:
    audio = repo.root / "voices/audio/dana"
    write(audio / "take-1.wav", syllables(4, seed=1))
    write(audio / "take-2.wav", syllables(4, seed=2))
    write(audio / "silent.wav", np.zeros(16000 * 2))
    write(audio / "clipped.wav", np.clip(syllables(3, seed=3) * 40, -1, 1))
    shutil.copyfile(audio / "take-1.wav", audio / "take-1-again.wav")
    repo.write(
        "voices/dana.yaml",
        "version: 1\nalias: dana-en\nengine: voice_engine_3\nlanguage: en-GB\nfiles:\n"
        "  - audio/dana/take-1.wav\n  - audio/dana/take-2.wav\n  - audio/dana/silent.wav\n"
        "  - audio/dana/clipped.wav\n  - audio/dana/take-1-again.wav\n" + LET_THROUGH,
    )
    plan = repo.run("plan")
    assert plan.code == 0, plan.text
    predicted = [line.strip() for line in plan.out.splitlines() if "predicted discard" in line]
    assert predicted[0] == (
        "predicted discard: voices/audio/dana/silent.wav (silent audio (peak below -60 dBFS))"
    )
    assert predicted[1].startswith(
        "predicted discard: voices/audio/dana/clipped.wav (heavy clipping: "
    )
    # a copy of take-1 shares its upload and is sent once: nothing to discard, although
    # validate reports the duplicate
    assert len(predicted) == 2
    data = json.loads(repo.run("plan", "--format", "json").out)
    assert_valid_plan_json(data)
    [voice] = data["quality"]
    assert [d["path"].rsplit("/", 1)[-1] for d in voice["predicted_discards"]] == [
        "silent.wav",
        "clipped.wav",
    ]

    applied = repo.run("apply", "--yes")
    assert applied.code == 0, applied.text
    lines = applied.out.splitlines()
    start = lines.index("discarded files, predicted and actual:")
    rows = lines[start + 1 : start + 4]
    assert rows[0].startswith(
        "  voices/audio/dana/clipped.wav (dana-en): predicted heavy clipping: "
    )
    clipped_reason = rows[0].split("predicted ", 1)[1].split("; actual ")
    assert clipped_reason[0] == clipped_reason[1]  # the emulator measured the same share
    assert rows[1] == (
        "  voices/audio/dana/silent.wav (dana-en): predicted silent audio (peak below -60 dBFS); "
        "actual silent audio (peak below -60 dBFS)"
    )
    assert rows[2].startswith("uploads: ")  # the copy was sent once: no third row


def test_the_markdown_plan_has_a_collapsible_audio_quality_table(repo: Repo) -> None:
    write(repo.root / "voices/audio/eva/take.wav", syllables(4, seed=1))
    write(repo.root / "voices/audio/eva/silent.wav", np.zeros(16000 * 2))
    repo.write(
        "voices/eva.yaml",
        "version: 1\nalias: eva-en\nengine: voice_engine_3\nlanguage: en-GB\nfiles:\n"
        "  - audio/eva/take.wav\n  - audio/eva/silent.wav\n" + LET_THROUGH,
    )
    markdown = repo.run("plan", "--format", "markdown").out
    table = markdown[markdown.index("<details>\n<summary>Audio quality") :]
    assert table.splitlines()[:4] == [
        "<details>",
        "<summary>Audio quality (1 voice)</summary>",
        "",
        "| Voice | Files | Speech | Loudness | Peak | Worst finding |",
    ]
    row = table.splitlines()[5]
    assert row.startswith("| eva-en | 2 | 3.8 of 6.0 s | −")
    assert row.endswith(
        "| voices/audio/eva/silent.wav contains no speech (0.0 s of speech in 2.0 s)"
        "<br>predicted discard: voices/audio/eva/silent.wav (silent audio (peak below -60 dBFS)) |"
    )
