"""The README's main job: the example voices/ of the repository plan cleanly, on the
embedded emulator (no key) and on the served one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.support.clirig import CHECKOUT, Emu, Repo, make_repo
from tests.support.planschema import assert_valid_plan_json

EXAMPLE_PLAN = (
    "  + create    anna-en-instant  voice_engine_3, 2 files, 9.2 s, 300 credits\n"
    "              quality: speech 7.7 of 9.2 s · −20.3 LUFS · peak −3.7 dBFS\n"
    "  + create    bob-de-instant   voice_engine_3, 2 files, 8.5 s, 300 credits\n"
    "              quality: speech 6.9 of 8.3 s · −20.1 LUFS · peak −3.6 dBFS\n"
    "Plan: 2 to create (600 credits), 0 unchanged. Balance after: 9,400 credits.\n"
)


def copy_examples(root: Path) -> Path:
    repo = make_repo(root)
    shutil.copytree(CHECKOUT / "voices", repo.root / "voices", dirs_exist_ok=True)
    repo.commit("examples")
    return repo.root


def test_the_example_voices_validate_and_plan_cleanly_without_a_key(tmp_path: Path) -> None:
    root = copy_examples(tmp_path / "examples")
    repo = Repo(root)
    assert repo.run("validate").code == 0
    outcome = repo.run("plan", "--detailed-exitcode")
    assert (outcome.code, outcome.out) == (2, EXAMPLE_PLAN)
    assert outcome.err == "target: emulator (no AUDIOSTACK_API_KEY)\n"
    data = json.loads(repo.run("plan", "--format", "json").out)
    assert_valid_plan_json(data)
    assert (data["diagnostics"], data["credits"]["cost"]) == ([], 600)


def test_the_example_voices_plan_cleanly_against_the_served_emulator(
    tmp_path: Path, emu: Emu
) -> None:
    root = copy_examples(tmp_path / "examples")
    repo = Repo(root, env=emu.env(GITHUB_REPOSITORY="acme/voices"))
    outcome = repo.run("plan", "--detailed-exitcode")
    assert (outcome.code, outcome.out) == (2, EXAMPLE_PLAN)
    assert emu.methods() == {"GET"}


def test_the_example_voices_apply_and_converge(tmp_path: Path) -> None:
    root = copy_examples(tmp_path / "examples")
    repo = Repo(root)
    env = {"VOICECTL_EMULATOR_CLOCK": "immediate"}
    assert repo.run("apply", "--yes", env=env).code == 0
    assert repo.run("plan", "--detailed-exitcode").out == "No changes. 2 voices up to date.\n"
