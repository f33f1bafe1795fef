"""A cache of audio facts keyed by (resolved path, size, mtime_ns), so a warm re-plan of
thousands of files does not re-read them. Stored as `<cache_dir>/audio-cache.json`,
written atomically. A damaged or foreign cache file is ignored, never an error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reconciler.atomicfile import write_atomically
from reconciler.model.values import AudioInfo, Sha256

CACHE_NAME = "audio-cache.json"
_FORMAT = 1


class AudioCache:
    """In-memory view of the cache file; `save()` writes it back only if it changed."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.file = cache_dir / CACHE_NAME if cache_dir is not None else None
        self.entries: dict[str, list[Any]] = {}
        self.added: dict[str, list[Any]] = {}
        if self.file is not None:
            self.entries = _read(self.file)

    def get(self, real: Path, size: int, mtime_ns: int) -> AudioInfo | None:
        entry = self.entries.get(str(real))
        if entry is None or entry[0] != size or entry[1] != mtime_ns:
            return None
        try:
            sha, nbytes, container, duration, rate, channels = entry[2:8]
        except (TypeError, ValueError):
            return None
        # a damaged or hand-edited entry is a cache miss, never an error
        if not (
            isinstance(sha, str)
            and isinstance(container, str)
            and all(type(n) is int for n in (nbytes, rate, channels))
            and isinstance(duration, int | float)
            and not isinstance(duration, bool)
        ):
            return None
        return AudioInfo(Sha256(sha), nbytes, container, float(duration), rate, channels)

    def put(self, real: Path, size: int, mtime_ns: int, info: AudioInfo) -> None:
        entry = [
            size,
            mtime_ns,
            info.sha256,
            info.bytes,
            info.container,
            info.duration_s,
            info.sample_rate,
            info.channels,
        ]
        self.entries[str(real)] = entry
        self.added[str(real)] = entry

    def merge(self, added: dict[str, list[Any]]) -> None:
        """Take entries found by another process (parallel loading)."""
        self.entries.update(added)
        self.added.update(added)

    def save(self) -> None:
        if self.file is None or not self.added:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            live = {k: v for k, v in self.entries.items() if Path(k).exists()}
            payload = json.dumps({"format": _FORMAT, "entries": live}, separators=(",", ":"))
            write_atomically(self.file, payload)
            self.added = {}
        except OSError:
            return  # a cache that cannot be written only costs time on the next run


def _read(file: Path) -> dict[str, list[Any]]:
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict) or raw.get("format") != _FORMAT:
        return {}
    entries = raw.get("entries")
    if not isinstance(entries, dict):
        return {}
    return {k: v for k, v in entries.items() if isinstance(v, list) and len(v) == 8}
