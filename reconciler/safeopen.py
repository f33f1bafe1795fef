"""Open and walk files of the repository as hostile input (reliability.md §3, "Threat model").

Every file a pull request controls is read through here: it must resolve inside the root
(no symlink out), be a regular file (a FIFO, device or socket is refused after `stat`,
never opened for blocking), fit its size limit (checked with `stat` before any read), and
folder walks stop at a file-count limit. Stdlib only.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

WALK_LIMIT = 250_000  # entries one walk may visit (a 50,000-voice fleet with 2 takes: 200,000)
CHUNK = 1 << 20
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class UnsafeFile(Exception):
    """A file or folder that must not be read; `message` is one line, `hint` a fix."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def shown(path: str) -> str:
    """A path fit for one line of output: control characters escaped."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", path)


def has_control(path: str) -> bool:
    return _CONTROL.search(path) is not None


def inside(root: Path, real: Path) -> bool:
    return real == root or root in real.parents


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a socket" if stat.S_ISSOCK(mode) else "a special file"


def regular_file(root: Path, path: Path, display: str) -> tuple[Path, os.stat_result]:
    """The resolved path and `stat` of a regular file inside `root` (resolved), or raise."""
    real = Path(os.path.realpath(path))
    if not inside(root, real):
        raise UnsafeFile(
            f"{shown(display)} points outside the repository through a symlink",
            "copy the file into the repository",
        )
    try:
        info = os.stat(real)
    except OSError as exc:
        raise UnsafeFile(f"cannot read {shown(display)}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeFile(f"{shown(display)} is not a regular file ({_kind(info.st_mode)})")
    return real, info


def open_regular(real: Path, display: str) -> int:
    """A read-only descriptor that cannot block on a FIFO swapped in after the check."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(real, flags | getattr(os, "O_CLOEXEC", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnsafeFile(f"{shown(display)} is not a regular file")
    return fd


class TooLarge(UnsafeFile):
    """Over the size limit (known from `stat`, before any read)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"file is too large ({size:,} bytes)")
        self.size = size


def read_bounded(root: Path, path: Path, display: str, limit: int) -> bytes:
    """The whole file, refused by `stat` before any read when it exceeds `limit`."""
    real, info = regular_file(root, path, display)
    if info.st_size > limit:
        raise TooLarge(info.st_size)
    with os.fdopen(open_regular(real, display), "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:  # grew since the stat
        raise TooLarge(len(data))
    return data


def sha256_of(real: Path, display: str) -> str:
    """The file's sha256, read in 1 MiB chunks (never the whole file in memory)."""
    digest = hashlib.sha256()
    with os.fdopen(open_regular(real, display), "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def walk_files(root: Path, folder: str, limit: int = WALK_LIMIT) -> Iterator[str]:
    """Repo-relative POSIX paths of the files under `folder` (sorted per directory), never
    following a directory symlink, refusing a folder that resolves outside `root`, and
    raising UnsafeFile after `limit` entries. Hidden entries are skipped."""
    top = root / folder if folder not in ("", ".") else root
    real_top = Path(os.path.realpath(top))
    if not inside(root, real_top):
        raise UnsafeFile(
            f"folder {shown(folder)} points outside the repository through a symlink",
            "keep voices and audio inside the repository",
        )
    seen = 0
    for current, dirs, names in os.walk(top, followlinks=False):
        seen += len(dirs) + len(names)
        if seen > limit:
            raise UnsafeFile(
                f"folder {shown(folder)} holds more than {limit:,} entries",
                "point voices_dir and globs at the folders that hold voices and audio",
            )
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = Path(current).relative_to(root).as_posix()
        prefix = "" if rel == "." else rel + "/"
        for name in sorted(names):
            if not name.startswith("."):
                yield prefix + name
