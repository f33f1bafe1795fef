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


@pytest.mark.parametrize(
    ("environ", "asked", "expected"),
    [
        ({}, None, 1),  # the embedded emulator: one request at a time
        ({}, 6, 6),
        ({"AUDIOSTACK_API_KEY": "sk-1"}, None, 16),
        ({"AUDIOSTACK_API_KEY": "sk-1"}, 3, 3),
    ],
)
def test_the_concurrency_ceiling_is_the_targets_unless_asked(
    tmp_path: Path, environ: dict[str, str], asked: int | None, expected: int
) -> None:
    target = TargetConfig(name="default")
    chosen = resolve_settings(
        environ, root=tmp_path, target=target, project_owner="acme/voices", concurrency=asked
    )
    assert chosen.concurrency == expected


def test_a_concurrency_below_one_is_a_usage_error(repo: Repo) -> None:
    run = repo.run("apply", "--yes", "--concurrency", "0")
    assert (run.code, run.out, run.err) == (
        1,
        "",
        "error: --concurrency must be 1 or more, not 0\n",
    )
