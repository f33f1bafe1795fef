"""Rig for the QA regression tests: throw-away git repositories with generated WAVs and
an in-process CLI run against the embedded emulator (state in <repo>/.voicectl/)."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pytest

from reconciler.cli.main import main
from tests.support.wav import write_wav

CHECKOUT = Path(__file__).resolve().parents[2]
IMMEDIATE = {"VOICECTL_EMULATOR_CLOCK": "immediate"}


@dataclass
class Run:
    code: int
    out: str
    err: str


def voice_yaml(alias: str, *files: str, extra: str = "") -> str:
    listed = "".join(f"  - {f}\n" for f in files)
    return (
        f"version: 1\nalias: {alias}\nengine: voice_engine_3\nlanguage: en-GB\n"
        f"files:\n{listed}{extra}"
    )


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.env: dict[str, str] = dict(IMMEDIATE)

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def run(
        self,
        *argv: str,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        stdin: TextIO | None = None,
    ) -> Run:
        out, err = io.StringIO(), io.StringIO()
        code = main(
            list(argv),
            environ={**self.env, **(env or {})},
            stdout=out,
            stderr=err,
            stdin=stdin or io.StringIO(""),
            cwd=cwd or self.root,
        )
        return Run(code, out.getvalue(), err.getvalue())


def new_repo(root: Path) -> Repo:
    """A git repository with schemas/ and one instant voice `alpha-en` (two WAVs)."""
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    shutil.copytree(CHECKOUT / "schemas", root / "schemas")
    write_wav(root / "voices/audio/a1.wav", 3.0, seed=1)
    write_wav(root / "voices/audio/a2.wav", 4.0, seed=2)
    repo = Repo(root)
    repo.write("voices/alpha.yaml", voice_yaml("alpha-en", "audio/a1.wav", "audio/a2.wav"))
    return repo


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[str], Repo]:
    """make_repo(name) → a fresh repository under tmp_path (the embedded emulator)."""
    return lambda name: new_repo(tmp_path / name)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A repository with one voice on the embedded emulator (overrides the served one)."""
    return new_repo(tmp_path / "repo")
