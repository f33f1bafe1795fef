"""Fixtures for the CLI-level apply tests: the served emulator and throw-away git repos from
tests/cli's rig (imported, not copied), plus helpers reading the emulator's request log and
running `voicectl` as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

# the served-emulator rig lives in tests/cli (read-only for this area)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))

from clirig import Emu, Repo, emu_fixture, make_repo, served_emulator_fixture

OWNER = "acme/voices"
CLONES = "/speech/voice-cloning"


@pytest.fixture(scope="session")
def served_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emu]:
    yield from served_emulator_fixture(tmp_path_factory)


@pytest.fixture
def emu(served_emulator: Emu) -> Iterator[Emu]:
    yield from emu_fixture(served_emulator)
    served_emulator.clear_faults()


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
