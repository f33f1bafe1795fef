"""Fixtures for the CLI-level apply tests: the served emulator (one per session, reset per
test) and throw-away git repositories, both from tests/cli's rig (imported, not copied)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# the served-emulator rig lives in tests/cli (read-only for this area)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))

from applyclirig import OWNER
from clirig import Emu, Repo, emu_fixture, make_repo, served_emulator_fixture


@pytest.fixture(scope="session")
def served_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emu]:
    yield from served_emulator_fixture(tmp_path_factory)


@pytest.fixture
def emu(served_emulator: Emu) -> Iterator[Emu]:
    yield from emu_fixture(served_emulator)


@pytest.fixture
def new_repo(tmp_path: Path, emu: Emu) -> Callable[..., Repo]:
    """make(name, owner=...) → a git repository whose runs target the served emulator."""

    def make(name: str = "repo", *, owner: str | None = OWNER, config: str = "") -> Repo:
        repo = make_repo(tmp_path / name, owner=owner, config=config)
        repo.env = emu.env()
        return repo

    return make


@pytest.fixture
def repo(new_repo: Callable[..., Repo]) -> Repo:
    return new_repo()
