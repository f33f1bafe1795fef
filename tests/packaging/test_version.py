"""`voicectl --version` says the version pyproject.toml declares (and .ci/run checks the
installed command says it too)."""

from __future__ import annotations

import io
import subprocess
import tomllib
from importlib.metadata import version
from pathlib import Path

from reconciler.cli.main import main

CHECKOUT = Path(__file__).resolve().parents[2]


def _declared() -> str:
    with (CHECKOUT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def _bash(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    argv = ["bash", "-euo", "pipefail", "-c", script]
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)


def test_version_flag_prints_the_version_of_pyproject() -> None:
    out = io.StringIO()
    code = main(["--version"], environ={}, stdout=out, stderr=io.StringIO())
    assert (code, out.getvalue()) == (0, f"voicectl {_declared()}\n")
    assert version("voicectl") == _declared()  # the installed metadata agrees


def test_ci_checks_the_installed_command_against_pyproject(tmp_path: Path) -> None:
    """The `== version ==` block of .ci/run, run as CI runs it: it passes here, and fails
    with a clear line when pyproject.toml says another version."""
    script = (CHECKOUT / ".ci" / "run").read_text(encoding="utf-8")
    block = script.split('echo "== version =="\n', 1)[1].split('echo "== code health =="', 1)[0]
    ok = _bash(block, CHECKOUT)
    assert (ok.returncode, ok.stdout) == (0, f"voicectl {_declared()}\n")
    (tmp_path / ".venv").symlink_to(CHECKOUT / ".venv")
    (tmp_path / "pyproject.toml").write_text('[project]\nversion = "9.9.9"\n', encoding="utf-8")
    bad = _bash(block, tmp_path)
    assert bad.returncode == 1
    assert bad.stderr == (
        f"voicectl --version says 'voicectl {_declared()}', pyproject.toml says 9.9.9\n"
    )
