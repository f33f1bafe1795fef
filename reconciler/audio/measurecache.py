"""Measures of audio content, cached by sha256 beside the audio-facts cache (cache.py):
`<cache_dir>/audio-quality.json`, written atomically. A file renamed, copied or checked
out again is not measured twice; a damaged or older cache file is ignored, never an error.

The file keeps every measure this run used, however many (a 50,000-voice fleet has
100,000 recordings: a fixed cap would evict the first 80,000 on every save and measure
them again on the next run), and at most MAX_ENTRIES of the others, newest first.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reconciler.atomicfile import write_atomically
from reconciler.model.quality import FileMeasures

CACHE_NAME = "audio-quality.json"
MEASURE_VERSION = 1  # bump when a definition in measure.py changes: old figures are dropped
MAX_ENTRIES = 20_000


class MeasureCache:
    """In-memory view of the cache file; `save()` writes it back only if it changed."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.file = cache_dir / CACHE_NAME if cache_dir is not None else None
        self.entries: dict[str, dict[str, Any]] = _read(self.file) if self.file else {}
        self.used: set[str] = set()  # sha256 of every measure this run asked for or made
        self.changed = False

    def get(self, sha256: str) -> FileMeasures | None:
        entry = self.entries.get(sha256)
        found = FileMeasures.from_dict(entry) if isinstance(entry, dict) else None
        if found is None or found.sha256 != sha256:
            return None
        self.used.add(sha256)
        return found

    def put(self, measures: FileMeasures) -> None:
        self.entries.pop(measures.sha256, None)  # re-insert: the newest entries are kept
        self.entries[measures.sha256] = measures.to_dict()
        self.used.add(measures.sha256)
        self.changed = True

    def save(self) -> None:
        if self.file is None or not self.changed:
            return
        others = [key for key in self.entries if key not in self.used][-MAX_ENTRIES:]
        kept = {key: self.entries[key] for key in [*others, *self.used] if key in self.entries}
        payload = {"format": MEASURE_VERSION, "entries": kept}
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.file, json.dumps(payload, separators=(",", ":")))
            self.changed = False
        except OSError:
            return  # a cache that cannot be written only costs time on the next run


def _read(file: Path) -> dict[str, dict[str, Any]]:
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict) or raw.get("format") != MEASURE_VERSION:
        return {}
    entries = raw.get("entries")
    return entries if isinstance(entries, dict) else {}
