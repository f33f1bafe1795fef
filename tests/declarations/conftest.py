"""Fixtures for the validate tests: a throw-away repository and an in-process CLI runner."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from validate_support import Outcome, Repo

from reconciler.cli.main import main


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "voices").mkdir()
    return Repo(root.resolve())


@pytest.fixture
def run_cli() -> Callable[..., Outcome]:
    def run(*argv: str, cwd: Path, env: dict[str, str] | None = None) -> Outcome:
        out, err = io.StringIO(), io.StringIO()
        environ = {"NO_COLOR": "1", **(env or {})}
        code = main(list(argv), environ=environ, stdout=out, stderr=err, cwd=cwd)
        return Outcome(code, out.getvalue(), err.getvalue())

    return run
