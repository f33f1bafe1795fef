"""File references stay inside the repository (reliability.md S5–S7)."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from reconciler.declarations.paths import resolve_reference
from reconciler.model.errors import Diagnostic, Location
from tests.support.clirig import Repo

AT = Location("voices/anna.yaml", 7, 5)


def _resolve(repo: Repo, ref: str) -> list[str] | str:
    found = resolve_reference(repo.root, "voices/anna.yaml", ref, AT)
    return str(found) if isinstance(found, Diagnostic) else [f.path for f in found]


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        (
            "../../outside.wav",
            "'../../outside.wav' points outside the repository\n  hint: keep audio inside it",
        ),
        (
            "/etc/passwd",
            "'/etc/passwd' is an absolute path\n  hint: use a path relative to the YAML file",
        ),
        ("~/x.wav", "'~/x.wav' starts with ~; only relative paths are allowed"),
        ("file://x.wav", "'file://x.wav' is a URL; only relative paths are allowed"),
        (
            "https://example.com/a.wav",
            "'https://example.com/a.wav' is a URL; only relative paths are allowed",
        ),
        (
            "C:\\x.wav",
            "'C:\\x.wav' contains a backslash\n  hint: use forward slashes: audio/take-01.wav",
        ),
        ("C:/x.wav", "'C:/x.wav' has a drive letter; only relative paths are allowed"),
        ("a\x00b.wav", "file path contains control characters"),
        ("a\nb.wav", "file path contains control characters"),
        ("  ", "empty file path"),
    ],
)
def test_unsafe_references_are_rejected(repo: Repo, ref: str, message: str) -> None:
    assert _resolve(repo, ref) == f"voices/anna.yaml:7:5: error: {message}"


def test_relative_path_resolves_from_the_yaml_folder(repo: Repo) -> None:
    repo.wav("voices/audio/a.wav")
    repo.wav("shared/b.wav")
    assert _resolve(repo, "audio/a.wav") == ["voices/audio/a.wav"]
    assert _resolve(repo, "./audio/../audio/a.wav") == ["voices/audio/a.wav"]
    assert _resolve(repo, "../shared/b.wav") == ["shared/b.wav"]


def test_missing_file_is_reported(repo: Repo) -> None:
    assert _resolve(repo, "audio/nope.wav") == (
        "voices/anna.yaml:7:5: error: file not found: voices/audio/nope.wav\n"
        "  hint: paths are relative to the YAML file; check the spelling and the folder"
    )


def test_glob_expands_sorted_and_skips_hidden_files(repo: Repo) -> None:
    for name in ("b.wav", "a.wav", ".hidden.wav", "sub/c.wav", "notes.txt"):
        repo.wav(f"voices/audio/{name}")
    assert _resolve(repo, "audio/*.wav") == ["voices/audio/a.wav", "voices/audio/b.wav"]
    assert _resolve(repo, "audio/**/*.wav") == [
        "voices/audio/a.wav",
        "voices/audio/b.wav",
        "voices/audio/sub/c.wav",
    ]


def test_glob_matching_nothing_is_an_error(repo: Repo) -> None:
    assert _resolve(repo, "audio/*.flac") == (
        "voices/anna.yaml:7:5: error: 'audio/*.flac' matches no files\n"
        "  hint: check the pattern and the folder"
    )


def test_directory_reference_suggests_a_glob(repo: Repo) -> None:
    repo.wav("voices/audio/a.wav")
    assert _resolve(repo, "audio") == (
        "voices/anna.yaml:7:5: error: 'audio' is a directory\n"
        "  hint: use a glob such as audio/*.wav"
    )


def test_symlink_to_a_file_outside_is_rejected(repo: Repo, tmp_path: Path) -> None:
    outside = tmp_path / "secret.wav"
    outside.write_bytes(b"RIFF")
    (repo.root / "voices" / "audio").mkdir()
    (repo.root / "voices" / "audio" / "link.wav").symlink_to(outside)
    assert _resolve(repo, "audio/link.wav") == (
        "voices/anna.yaml:7:5: error: 'audio/link.wav' points outside the repository through a "
        "symlink (voices/audio/link.wav)\n  hint: copy the file into the repository"
    )


def test_directory_symlink_to_root_is_rejected_without_walking_it(repo: Repo) -> None:
    (repo.root / "voices" / "rootlink").symlink_to("/")
    start = time.perf_counter()
    assert _resolve(repo, "rootlink/etc/passwd").startswith(
        "voices/anna.yaml:7:5: error: 'rootlink/etc/passwd' points outside the repository"
    )
    assert _resolve(repo, "rootlink/**/*.wav").startswith(
        "voices/anna.yaml:7:5: error: 'rootlink/**/*.wav' points outside the repository"
    )
    assert time.perf_counter() - start < 1


def test_symlink_inside_the_repository_is_fine(repo: Repo) -> None:
    repo.wav("audio/real.wav")
    (repo.root / "voices" / "alias.wav").symlink_to(repo.root / "audio" / "real.wav")
    assert _resolve(repo, "alias.wav") == ["voices/alias.wav"]


def test_a_glob_resolves_its_folder_once_and_still_follows_a_file_symlink(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """issue 15 item 4: realpath costs an lstat per path component; the folder of a
    glob's files is resolved once, each file only lstat-ed (a symlinked file is still
    resolved, and one pointing outside still refused)."""
    for n in range(12):
        repo.wav(f"voices/audio/anna/take-{n:02}.wav")
    resolved: list[str] = []
    real = os.path.realpath

    def counted(path: str | os.PathLike[str]) -> str:
        resolved.append(os.fspath(path))
        return real(path)

    monkeypatch.setattr(os.path, "realpath", counted)
    found = resolve_reference(repo.root, "voices/anna.yaml", "audio/anna/*.wav", AT)
    assert not isinstance(found, Diagnostic)
    assert [f.real for f in found] == [
        repo.root / f"voices/audio/anna/take-{n:02}.wav" for n in range(12)
    ]
    assert len(resolved) <= 3  # the glob's top, its walk, the files' folder
    outside = tmp_path / "secret.wav"
    outside.write_bytes(b"RIFF")
    (repo.root / "voices/audio/anna/take-99.wav").symlink_to(outside)
    assert _resolve(repo, "audio/anna/*.wav") == (
        "voices/anna.yaml:7:5: error: 'audio/anna/*.wav' points outside the repository "
        "through a symlink (voices/audio/anna/take-99.wav)\n"
        "  hint: copy the file into the repository"
    )


def test_fifo_is_rejected_without_blocking(repo: Repo) -> None:
    os.mkfifo(repo.root / "voices" / "pipe.wav")
    assert _resolve(repo, "pipe.wav") == (
        "voices/anna.yaml:7:5: error: 'voices/pipe.wav' is not a regular file (a FIFO)"
    )


def test_link_to_a_character_device_is_rejected(repo: Repo) -> None:
    (repo.root / "voices" / "null.wav").symlink_to("/dev/null")
    assert _resolve(repo, "null.wav").startswith(
        "voices/anna.yaml:7:5: error: 'null.wav' points outside the repository"
    )


def test_character_device_inside_the_repository_is_rejected(repo: Repo) -> None:
    device = repo.root / "voices" / "dev.wav"
    try:
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except (PermissionError, OSError):
        pytest.skip("creating a device node needs CAP_MKNOD")
    assert _resolve(repo, "dev.wav") == (
        "voices/anna.yaml:7:5: error: 'voices/dev.wav' is not a regular file (a device)"
    )
