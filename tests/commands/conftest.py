"""Fixtures for the command tests: the served emulator (one per session, reset per test),
throw-away git repositories targeting it, and teams sharing one organisation (all from
tests/support). A module on the embedded emulator says `repo = embedded` (clifixtures)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.clifixtures import emu, new_repo, repo, served_emulator
from tests.support.clirig import Emu, Repo, make_repo

__all__ = ["emu", "new_repo", "repo", "served_emulator"]


@pytest.fixture
def team(tmp_path: Path, emu: Emu) -> Callable[..., Repo]:
    """team(owner, config=...) → a repository stamped `voicectl:<owner>` on the emulator."""

    def make(owner: str, *, config: str = "") -> Repo:
        repo = make_repo(tmp_path / owner.replace("/", "-"), owner=owner, config=config)
        repo.env = emu.env()
        return repo

    return make
