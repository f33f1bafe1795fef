"""The fixtures shared by the end-to-end suites (tests/commands, audio, github, model):
one served emulator per session, reset per test, and throw-away repositories targeting it
(or, for a module that opts in with `repo = embedded`, the embedded emulator).
Each suite's conftest imports them, so they are defined once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.clirig import (
    Emu,
    Repo,
    embedded_repo,
    emu_fixture,
    make_repo,
    served_emulator_fixture,
)

OWNER = "acme/voices"


@pytest.fixture(scope="session")
def served_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emu]:
    yield from served_emulator_fixture(tmp_path_factory)


@pytest.fixture
def emu(served_emulator: Emu) -> Iterator[Emu]:
    yield from emu_fixture(served_emulator)


@pytest.fixture
def new_repo(tmp_path: Path, emu: Emu) -> Callable[..., Repo]:
    """make(name, owner=..., config=...) → a repository whose runs target the emulator."""

    def make(name: str = "repo", *, owner: str | None = OWNER, config: str = "") -> Repo:
        repo = make_repo(tmp_path / name, owner=owner, config=config)
        repo.env = emu.env()
        return repo

    return make


@pytest.fixture
def repo(new_repo: Callable[..., Repo]) -> Repo:
    return new_repo()


@pytest.fixture(name="repo")
def embedded(tmp_path: Path) -> Repo:
    """`repo` on the embedded emulator with one voice (clirig.embedded_repo), for a module
    that says `repo = embedded`."""
    return embedded_repo(tmp_path / "repo")
