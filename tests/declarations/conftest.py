"""Fixtures for the validate tests: a throw-away repository and the in-process CLI runner
(both of tests/support/clirig.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.clirig import CliRun, Repo, make_repo, run_cli


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path / "repo")


@pytest.fixture(name="run_cli")
def run_cli_fixture() -> Callable[..., CliRun]:
    return run_cli
