"""Fixtures for the fleet tests (issue 7): the served emulator from tests/cli's rig and
several repositories ("teams") sharing one organisation."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# the served-emulator rig lives in tests/cli; planschema (tests/plan) checks JSON plans
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plan"))

from clirig import Emu, Repo, emu_fixture, make_repo, served_emulator_fixture


@pytest.fixture(scope="session")
def served_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emu]:
    yield from served_emulator_fixture(tmp_path_factory)


@pytest.fixture
def emu(served_emulator: Emu) -> Iterator[Emu]:
    yield from emu_fixture(served_emulator)


@pytest.fixture
def team(tmp_path: Path, emu: Emu) -> Callable[..., Repo]:
    """team(owner, config=...) → a repository stamped `voicectl:<owner>` on the emulator."""

    def make(owner: str, *, config: str = "") -> Repo:
        repo = make_repo(tmp_path / owner.replace("/", "-"), owner=owner, config=config)
        repo.env = emu.env()
        return repo

    return make
