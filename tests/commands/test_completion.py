"""`voicectl completion bash|zsh|fish`: scripts generated from the argument parser, loaded
by the real shells. bash and fish complete here for real (bash through its completion
function, fish through `complete -C`); zsh loads the script and registers it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.cli.main import COMMANDS
from tests.support.clirig import make_repo, run_cli

BASH_DRIVER = """
source "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
_voicectl
if [ "${#COMPREPLY[@]}" -gt 0 ]; then printf '%s\\n' "${COMPREPLY[@]}"; fi
"""


def _script(shell: str, tmp_path: Path) -> Path:
    code, out, err = run_cli("completion", shell, cwd=tmp_path)
    assert (code, err) == (0, "")
    path = tmp_path / f"voicectl.{shell}"
    path.write_text(out, encoding="utf-8")
    return path


def _shell(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def _bash(script: Path, *words: str, cwd: Path, path: str = "") -> list[str]:
    env = {"PATH": f"{path}:/usr/bin:/bin" if path else "/usr/bin:/bin"}
    argv = [_shell("bash"), "--norc", "-c", BASH_DRIVER, "bash", str(script), "voicectl", *words]
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=True, env=env)
    return done.stdout.splitlines()


def test_bash_completes_subcommands_options_and_choices(tmp_path: Path) -> None:
    script = _script("bash", tmp_path)
    assert _bash(script, "", cwd=tmp_path) == list(COMMANDS)
    assert _bash(script, "pl", cwd=tmp_path) == ["plan"]
    assert _bash(script, "--no-color", "dr", cwd=tmp_path) == ["drift"]  # after a global flag
    assert _bash(script, "plan", "--fo", cwd=tmp_path) == ["--format"]
    assert _bash(script, "plan", "--format", "", cwd=tmp_path) == ["text", "json", "markdown"]
    assert _bash(script, "status", "--max", cwd=tmp_path) == []  # status takes no budget
    assert _bash(script, "completion", "", cwd=tmp_path) == ["bash", "zsh", "fish"]
    assert _bash(script, "emulator", "", cwd=tmp_path) == ["serve"]
    assert _bash(script, "emulator", "serve", "--cl", cwd=tmp_path) == ["--clock"]
    (tmp_path / "plan-prod.json").write_text("{}", encoding="utf-8")
    assert _bash(script, "apply", "plan-", cwd=tmp_path) == ["plan-prod.json"]


def test_bash_completes_target_names_from_voicectl_targets(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "repo",
        config="targets:\n  staging: {api_key_env: AUDIOSTACK_STAGING_KEY}\n"
        "  prod: {api_key_env: AUDIOSTACK_API_KEY}\n",
    )
    script = _script("bash", tmp_path)
    venv_bin = str(Path(sys.executable).parent)  # where the voicectl command is
    words = _bash(script, "plan", "--target", "", cwd=repo.root, path=venv_bin)
    assert words == ["prod", "staging"]


def test_fish_completes_with_the_generated_script(tmp_path: Path) -> None:
    fish = _shell("fish")
    script = _script("fish", tmp_path)

    def complete(line: str) -> list[str]:
        command = f"source {script}; complete -C '{line}'"
        done = subprocess.run([fish, "--no-config", "-c", command], capture_output=True,
                              text=True, check=True, cwd=tmp_path)  # fmt: skip
        return [row.split("\t")[0] for row in done.stdout.splitlines()]

    assert complete("voicectl pl") == ["plan"]
    assert complete("voicectl plan --fo") == ["--format"]
    assert complete("voicectl plan --format ") == ["json", "markdown", "text"]
    assert complete("voicectl schema ") == ["plan", "project", "validate", "voice"]
    assert "init" in complete("voicectl ")


def test_zsh_loads_the_script_and_registers_it(tmp_path: Path) -> None:
    zsh = _shell("zsh")
    script = _script("zsh", tmp_path)
    subprocess.run([zsh, "-n", str(script)], check=True)  # parses
    command = f"autoload -U compinit && compinit -u -D; source {script}; print $_comps[voicectl]"
    done = subprocess.run([zsh, "-f", "-c", command], capture_output=True, text=True, check=True)
    assert done.stdout == "_voicectl\n"
    text = script.read_text(encoding="utf-8")
    for name in COMMANDS:  # every subcommand, with its one-line help
        assert f"    '{name}:" in text
    assert "'--format[" in text and ":value:(text json markdown)'" in text


def test_an_unknown_shell_is_refused_with_the_choices() -> None:
    code, out, err = run_cli("completion", "tcsh", cwd=Path.cwd())
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == (
        "voicectl completion: error: argument shell: invalid choice: 'tcsh' "
        "(choose from 'bash', 'zsh', 'fish')"
    )
