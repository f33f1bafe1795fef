"""The shipped pre-commit hook (.pre-commit-hooks.yaml): it runs when a declaration,
voicectl.yaml or a recording changes, wherever `voices_dir` puts them, and validates the
whole voices directory offline (a changed take can break a voice whose YAML did not)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from reconciler.audio.inspect import _UNSUPPORTED, EXTENSIONS
from tests.support.clirig import CliRun, Repo

ROOT = Path(__file__).resolve().parents[2]
Run = Callable[..., CliRun]


def _hook() -> dict[str, Any]:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return dict(hook)


def _runs_for(path: str) -> bool:
    """pre-commit's test: `re.search(files, path)` on the staged path."""
    return re.search(_hook()["files"], path) is not None


def test_the_hook_validates_offline_without_file_names() -> None:
    hook = _hook()
    assert (hook["id"], hook["entry"], hook["language"]) == (
        "voicectl-validate",
        "voicectl validate",
        "python",
    )
    assert hook["pass_filenames"] is False  # the whole voices_dir, not only the staged YAML
    assert hook["require_serial"] is True


def test_the_hook_runs_for_declarations_config_and_recordings_anywhere() -> None:
    for path in (
        "voices/anna.yaml",
        "speech/team/bob.yml",  # a custom voices_dir
        "voicectl.yaml",
        "voices/audio/anna/take-01.wav",  # audio alone, its YAML unchanged
        "speech/audio/bob/TAKE.FLAC",
        *(f"a/b.{ext}" for ext in (*EXTENSIONS, *_UNSUPPORTED)),
    ):
        assert _runs_for(path), path
    for path in ("README.md", "schemas/voice.schema.json", "src/app.py", "voices/notes.txt"):
        assert not _runs_for(path), path


def test_a_broken_take_under_a_custom_voices_dir_fails_the_hook(repo: Repo, run_cli: Run) -> None:
    repo.write("voicectl.yaml", "voices_dir: speech\n")
    (repo.root / "voices").rmdir()
    repo.wav("speech/audio/a.wav")
    repo.write("speech/anna.yaml", "version: 1\nalias: anna-en\nengine: voice_engine_3\n"
               "language: en-GB\nfiles:\n  - audio/a.wav\n")  # fmt: skip
    argv = shlex.split(_hook()["entry"])[1:]  # as pre-commit runs it: no file names
    ok = run_cli(*argv, cwd=repo.root)
    assert (ok.code, ok.err) == (0, "✓ 1 voice valid (0 warnings)\n")
    assert _runs_for("speech/audio/a.wav")
    (repo.root / "speech/audio/a.wav").write_bytes(b"RIFF\x00\x00")  # the commit breaks it
    broken = run_cli(*argv, cwd=repo.root)
    assert broken.code == 1
    assert broken.err.splitlines()[0].startswith("speech/anna.yaml:6:5: error: ")
