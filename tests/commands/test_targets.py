"""`voicectl targets`: the target names of voicectl.yaml, one per line, offline and keyless.

The composite action loops over this output (`targets: all`), so its exact form matters.
"""

from __future__ import annotations

import io
from pathlib import Path

import httpx

from reconciler.cli.main import main

TWO_TARGETS = """\
targets:
  staging: {api_url: "https://staging.invalid", api_key_env: AUDIOSTACK_STAGING_KEY}
  prod: {api_key_env: AUDIOSTACK_PROD_KEY, max_credits: 600}
"""


def _run(cwd: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["targets", *argv], environ={"PATH": ""}, stdout=out, stderr=err, cwd=cwd)
    return code, out.getvalue(), err.getvalue()


def test_targets_prints_default_when_voicectl_yaml_is_absent(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    assert _run(tmp_path) == (0, "default\n", "")


def test_targets_prints_default_when_no_target_is_declared(tmp_path: Path) -> None:
    (tmp_path / "voicectl.yaml").write_text("owner: acme/voices\nmax_credits: 900\n")
    assert _run(tmp_path) == (0, "default\n", "")


def test_targets_prints_the_declared_names_sorted_one_per_line(tmp_path: Path) -> None:
    (tmp_path / "voicectl.yaml").write_text(TWO_TARGETS)
    assert _run(tmp_path) == (0, "prod\nstaging\n", "")


def test_targets_reads_the_repository_root_from_a_subfolder(tmp_path: Path) -> None:
    (tmp_path / "voicectl.yaml").write_text(TWO_TARGETS)
    (tmp_path / "voices" / "team").mkdir(parents=True)
    assert _run(tmp_path / "voices" / "team") == (0, "prod\nstaging\n", "")


def test_targets_needs_no_key_and_no_network(tmp_path: Path, monkeypatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("voicectl targets must not open a connection")

    monkeypatch.setattr(httpx.Client, "send", refuse)
    (tmp_path / "voicectl.yaml").write_text(TWO_TARGETS)
    code, out, err = _run(tmp_path, "--quiet")
    assert (code, out, err) == (0, "prod\nstaging\n", "")


def test_targets_with_an_invalid_target_name_fails_with_its_location(tmp_path: Path) -> None:
    (tmp_path / "voicectl.yaml").write_text("targets:\n  Prod: {}\n")
    code, out, err = _run(tmp_path)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "voicectl.yaml:2:3: error: invalid target name 'Prod'",
        "1 error, 0 warnings",
    ]


def test_targets_with_broken_yaml_fails_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "voicectl.yaml").write_text("targets: [\n")
    code, out, err = _run(tmp_path)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "voicectl.yaml:2:1: error: invalid YAML: did not find expected node content",
        "1 error, 0 warnings",
    ]


def test_targets_rejects_arguments(tmp_path: Path) -> None:
    code, out, err = _run(tmp_path, "prod")
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == "voicectl targets: error: unrecognized arguments: prod"


def test_targets_json_gives_each_target_its_environment(tmp_path: Path) -> None:
    (tmp_path / "voicectl.yaml").write_text(
        TWO_TARGETS.replace("max_credits: 600}", "max_credits: 600, environment: voices-prod}")
    )
    code, out, err = _run(tmp_path, "--format", "json")
    assert (code, err) == (0, "")
    assert out == (
        '{"targets": [{"name": "prod", "environment": "voices-prod"}, '
        '{"name": "staging", "environment": "production"}]}\n'
    )


def test_targets_writes_the_matrix_outputs_in_github_actions(tmp_path: Path) -> None:
    from tests.support.actionlog import parse_outputs

    (tmp_path / "voicectl.yaml").write_text(TWO_TARGETS)
    output = tmp_path / "github_output"
    out = io.StringIO()
    env = {"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(output)}
    assert main(["targets"], environ=env, stdout=out, stderr=io.StringIO(), cwd=tmp_path) == 0
    assert out.getvalue() == "prod\nstaging\n"
    assert parse_outputs(output.read_text()) == {
        "targets": "prod staging",
        "matrix": '["prod","staging"]',
        "environments": '{"prod":"production","staging":"production"}',
    }


def test_a_target_environment_must_be_a_github_environment_name(tmp_path: Path) -> None:
    (tmp_path / "voicectl.yaml").write_text('targets:\n  prod: {environment: "a b"}\n')
    code, out, err = _run(tmp_path)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "voicectl.yaml:2:23: error: environment must be a GitHub environment name (letters, "
        "digits, _ . -), not 'a b'",
        "1 error, 0 warnings",
    ]
