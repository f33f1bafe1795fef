"""Fixtures for the fleet tests (issue 7): the served emulator from tests/cli's rig and
several repositories ("teams") sharing one organisation."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# the served-emulator rig lives in tests/cli; planschema (tests/plan) checks JSON plans
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plan"))

from clifixtures import emu, served_emulator
from clirig import Emu, Repo, make_repo

__all__ = ["emu", "served_emulator"]


@pytest.fixture
def team(tmp_path: Path, emu: Emu) -> Callable[..., Repo]:
    """team(owner, config=...) → a repository stamped `voicectl:<owner>` on the emulator."""

    def make(owner: str, *, config: str = "") -> Repo:
        repo = make_repo(tmp_path / owner.replace("/", "-"), owner=owner, config=config)
        repo.env = emu.env()
        return repo

    return make
