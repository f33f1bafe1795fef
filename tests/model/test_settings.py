"""No key in CI is an error, never a silent plan against an empty emulator; `--api
emulator` asks for the emulator on purpose (and the README's first command does)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.model.errors import ConfigError
from reconciler.model.settings import TargetConfig, in_ci, resolve_settings
from tests.support.clirig import Repo, embedded_repo

REFUSED = [
    "error: AUDIOSTACK_API_KEY is not set and this is CI (GITHUB_ACTIONS is set): refusing "
    "to fall back to the embedded emulator",
    "  hint: pass the secret in the step's env (AUDIOSTACK_API_KEY: "
    "${{ secrets.AUDIOSTACK_API_KEY }}), or use --api emulator on purpose",
]


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, False),
        ({"CI": ""}, False),
        ({"CI": "false"}, False),
        ({"CI": "0"}, False),
        ({"CI": "true"}, True),
        ({"CI": "1"}, True),
        ({"GITHUB_ACTIONS": "true"}, True),
        ({"GITHUB_ACTIONS": "false"}, False),
    ],
)
def test_what_counts_as_ci(environ: dict[str, str], expected: bool) -> None:
    assert in_ci(environ) is expected


def test_no_key_under_ci_is_refused_and_names_the_targets_variable(tmp_path: Path) -> None:
    target = TargetConfig(name="prod", api_key_env="AUDIOSTACK_PROD_KEY")
    with pytest.raises(ConfigError) as caught:
        resolve_settings({"CI": "true"}, root=tmp_path, target=target)
    assert str(caught.value).splitlines() == [
        "AUDIOSTACK_PROD_KEY is not set and this is CI (CI is set): refusing to fall back to the "
        "embedded emulator",
        "  hint: pass the secret in the step's env (AUDIOSTACK_PROD_KEY: "
        "${{ secrets.AUDIOSTACK_PROD_KEY }}), or use --api emulator on purpose",
    ]
    chosen = resolve_settings({"CI": "true"}, root=tmp_path, target=target, api="emulator")
    assert chosen.embedded and chosen.banner == "target: prod on the emulator"


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return embedded_repo(tmp_path / "repo")


@pytest.mark.parametrize("command", ["plan", "apply", "drift", "status"])
def test_a_workflow_step_without_its_key_fails_instead_of_planning_the_emulator(
    repo: Repo, command: str
) -> None:
    run = repo.run(
        command, *(["--yes"] if command == "apply" else []), env={"GITHUB_ACTIONS": "true"}
    )
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines() == REFUSED
    assert not (repo.root / ".voicectl" / "emulator.sqlite3").exists()


def test_api_emulator_in_ci_is_the_emulator_on_purpose(repo: Repo) -> None:
    env = {"CI": "true", "GITHUB_ACTIONS": "true"}
    applied = repo.run("apply", "--yes", "--api", "emulator", env=env)
    assert applied.code == 0, applied.err
    assert applied.err.splitlines()[0] == "target: emulator (--api emulator)"
    again = repo.run("plan", "--api", "emulator", env=env)
    assert again.code == 0
    assert again.out.splitlines()[-1].startswith("No changes.")


def test_the_readme_first_command_passes_api_emulator() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    setup = readme.split("<!-- ci:setup -->", 1)[1].split("```")[1]
    assert "voicectl apply --yes --api emulator && .venv/bin/voicectl plan --api emulator" in setup
