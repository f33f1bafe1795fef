"""Fixtures for the QA regression tests (tests/qa): repositories from qarig.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from qarig import Repo, new_repo


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[str], Repo]:
    """make_repo(name) → a fresh repository under tmp_path."""
    return lambda name: new_repo(tmp_path / name)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return new_repo(tmp_path / "repo")
