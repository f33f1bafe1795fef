"""The shipped workflows under the linters: actionlint where installed, zizmor offline."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
NAMES = ("ci.yml", "voices-plan.yml", "voices-apply.yml", "voices-drift.yml")
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def _tool(name: str) -> str | None:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


def test_actionlint_finds_nothing():
    tool = _tool("actionlint")
    if tool is None:
        pytest.skip("actionlint is not installed")
    files = [str(WORKFLOWS / name) for name in NAMES]
    result = subprocess.run(
        [tool, "-no-color", *files],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_offline_finds_nothing():
    tool = _tool("zizmor")
    if tool is None:
        pytest.skip("zizmor is not installed")
    result = subprocess.run(
        [tool, "--offline", "--no-progress", "--persona", "pedantic", "."],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
