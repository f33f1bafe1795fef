"""Fixtures for the validate tests: a throw-away repository and an in-process CLI runner."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.cli.main import main
from tests.support.validate_support import CliRun, Repo


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "voices").mkdir()
    return Repo(root.resolve())


@pytest.fixture
def run_cli() -> Callable[..., CliRun]:
    def run(*argv: str, cwd: Path, env: dict[str, str] | None = None) -> CliRun:
        out, err = io.StringIO(), io.StringIO()
        environ = {"NO_COLOR": "1", **(env or {})}
        code = main(list(argv), environ=environ, stdout=out, stderr=err, cwd=cwd)
        return CliRun(code, out.getvalue(), err.getvalue())

    return run
