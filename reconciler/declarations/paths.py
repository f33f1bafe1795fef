"""Resolve a file reference from a declaration to regular files inside the repository.

reliability.md §3: only relative POSIX paths; no absolute paths, `~`, drive letters, URLs,
backslashes or control characters; nothing outside the repository, even through a
symlink; no FIFOs, devices or sockets (checked with stat, never opened). No audio here.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from reconciler.model.errors import Diagnostic, Location, Severity
from reconciler.safeopen import UnsafeFile, has_control, inside, shown, walk_files

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MAGIC = re.compile(r"[*?\[]")


@dataclass(frozen=True, slots=True)
class ResolvedFile:
    """A regular file inside the repository."""

    path: str  # repo-relative POSIX path as referenced (symlink names kept)
    real: Path  # the resolved file on disk
    size: int
    mtime_ns: int


def resolve_reference(
    root: Path, yaml_path: str, ref: str, location: Location
) -> tuple[ResolvedFile, ...] | Diagnostic:
    """Files named by `ref` (a path or glob relative to the YAML file), sorted by path.

    `root` must already be resolved (no symlinks); `yaml_path` is repo-relative POSIX.
    """
    problem = _reference_problem(ref)
    if problem is not None:
        return _error(location, *problem)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(yaml_path), ref))
    if joined == ".." or joined.startswith("../"):
        return _error(location, f"'{ref}' points outside the repository", "keep audio inside it")
    folders: dict[Path, Path] = {}  # one realpath per folder, not per file
    if not _MAGIC.search(joined):
        found = _check_file(root, joined, ref, location, folders)
        return found if isinstance(found, Diagnostic) else (found,)
    files: list[ResolvedFile] = []
    try:
        matched = _expand_glob(root, joined)
    except UnsafeFile as exc:
        return _error(location, exc.message, exc.hint)
    for rel in matched:
        found = _check_file(root, rel, ref, location, folders)
        if isinstance(found, Diagnostic):
            return found
        files.append(found)
    if not files:
        return _error(location, f"'{ref}' matches no files", "check the pattern and the folder")
    return tuple(files)


def _expand_glob(root: Path, pattern: str) -> list[str]:
    """Repo-relative files matching `pattern`: a bounded walk that never follows a
    directory symlink (safeopen.walk_files), matched in linear time (`segments_match`)."""
    parts: list[str] = []
    for part in pattern.split("/"):
        if not (part == "**" and parts and parts[-1] == "**"):  # `**/**` is one `**`
            parts.append(part)
    split = next(i for i, part in enumerate(parts) if _MAGIC.search(part))
    base = "/".join(parts[:split])
    real_top = Path(os.path.realpath(root / base))
    if not inside(root, real_top):
        return [base]  # reported by _check_file as a symlink escape
    if not real_top.is_dir():
        return []
    return [
        rel
        for rel in walk_files(root, base)
        if segments_match(rel.split("/")[split:] if base else rel.split("/"), parts[split:])
    ]


def segments_match(names: list[str], patterns: list[str]) -> bool:
    """Whether path segments `names` match `patterns` (`**`: zero or more segments).

    A set of pattern positions advances once per segment, so the time is linear in
    len(names) × len(patterns) however many `**` there are (no backtracking)."""
    states = _closure({0}, patterns)
    for name in names:
        following = set()
        for i in states:
            if i == len(patterns):
                continue
            head = patterns[i]
            if head == "**":
                if not name.startswith("."):
                    following.add(i)  # ** swallows this segment and stays
            elif (not name.startswith(".") or head.startswith(".")) and fnmatch.fnmatchcase(
                name, head
            ):
                following.add(i + 1)
        states = _closure(following, patterns)
        if not states:
            return False
    return len(patterns) in states


def _closure(states: set[int], patterns: list[str]) -> set[int]:
    """Add the positions reachable by letting a `**` match zero segments."""
    found = set(states)
    for start in sorted(states):
        i = start
        while i < len(patterns) and patterns[i] == "**":
            i += 1
            found.add(i)
    return found


def _reference_problem(ref: str) -> tuple[str, str | None] | None:
    if not ref.strip():
        return "empty file path", None
    if _CONTROL.search(ref):
        return "file path contains control characters", None
    if "\\" in ref:
        return f"'{ref}' contains a backslash", "use forward slashes: audio/take-01.wav"
    if _URL.match(ref):
        return f"'{ref}' is a URL; only relative paths are allowed", None
    if _DRIVE.match(ref):
        return f"'{ref}' has a drive letter; only relative paths are allowed", None
    if ref.startswith("/"):
        return f"'{ref}' is an absolute path", "use a path relative to the YAML file"
    if ref.startswith("~"):
        return f"'{ref}' starts with ~; only relative paths are allowed", None
    return None


def _check_file(
    root: Path, rel: str, ref: str, location: Location, folders: dict[Path, Path]
) -> ResolvedFile | Diagnostic:
    if has_control(rel):  # a globbed name: apply would fail on it every run
        message = f"file name contains control characters: {shown(rel)!r}"
        return _error(location, message, "rename the file")
    candidate = root / rel
    real, info = _real_path(candidate, folders)
    if not inside(root, real):
        return _error(
            location,
            f"'{ref}' points outside the repository through a symlink ({rel})",
            "copy the file into the repository",
        )
    try:
        info = info if info is not None else os.stat(real)
    except OSError:
        hint = "paths are relative to the YAML file; check the spelling and the folder"
        return _error(location, f"file not found: {shown(rel)}", hint, code="missing-file")
    if stat.S_ISDIR(info.st_mode):
        return _error(location, f"'{ref}' is a directory", f"use a glob such as {ref}/*.wav")
    if not stat.S_ISREG(info.st_mode):
        return _error(location, f"'{rel}' is not a regular file ({_kind(info.st_mode)})", None)
    return ResolvedFile(rel, real, info.st_size, info.st_mtime_ns)


def _real_path(candidate: Path, folders: dict[Path, Path]) -> tuple[Path, os.stat_result | None]:
    """The resolved path of `candidate`: its folder's realpath (cached in `folders`) and
    its name, unless the file itself is a symlink; with the `lstat` of a file that is not
    one (the same as its `stat`). realpath costs an lstat per path component."""
    parent = folders.get(candidate.parent)
    if parent is None:
        parent = folders[candidate.parent] = Path(os.path.realpath(candidate.parent))
    try:
        info = os.lstat(candidate)
    except OSError:
        return parent / candidate.name, None
    if stat.S_ISLNK(info.st_mode):
        return Path(os.path.realpath(candidate)), None
    return parent / candidate.name, info


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a socket" if stat.S_ISSOCK(mode) else "a special file"


def _error(location: Location, message: str, hint: str | None, code: str = "path") -> Diagnostic:
    return Diagnostic(location, Severity.ERROR, message, hint, code=code)
