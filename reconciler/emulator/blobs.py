"""Content-addressed storage of uploaded bytes: a directory on disk, or memory for tests.

A blob is written to a temporary name, fsynced and renamed before the row that names it
commits (reliability.md §1.9), so a committed file row always has its bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
from pathlib import Path


class BlobStore:
    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._memory: dict[str, bytes] = {}
        self._lock = threading.Lock()
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)

    def put(self, data: bytes) -> str:
        """Store `data` (idempotent) and return its sha256 hex digest."""
        digest = hashlib.sha256(data).hexdigest()
        if self.directory is None:
            with self._lock:
                self._memory[digest] = data
            return digest
        target = self._path(digest)
        if target.is_file() and target.stat().st_size == len(data):
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temp_name, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise
        _fsync_directory(target.parent)
        return digest

    def get(self, digest: str) -> bytes | None:
        if self.directory is None:
            with self._lock:
                return self._memory.get(digest)
        try:
            return self._path(digest).read_bytes()
        except (OSError, ValueError):
            return None

    def clear_memory(self) -> None:
        """Forget in-memory blobs (reset); on disk, unreferenced blobs are harmless."""
        with self._lock:
            self._memory.clear()

    def _path(self, digest: str) -> Path:
        if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
            raise ValueError("not a sha256 digest")
        assert self.directory is not None
        return self.directory / digest[:2] / digest


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
