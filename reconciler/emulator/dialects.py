"""Emulator dialects (api-contract.md §8): which of the response variants the official SDKs
describe the emulator answers with. `guide` is the seed's shapes; `sdk` turns on every
variant the SDK code describes; each variant is also a dialect of its own, and several
join with `+` (`segments+newest-first`).

Only the names, the parsing and a thread-safe holder live here; the shapes themselves are
applied by sdkshapes.py and the handlers.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from reconciler.emulator.wire import ApiProblem, show

# variant name → what it changes (api-contract.md §8 lists the source of each)
VARIANTS: dict[str, str] = {
    "segments": "filesUsed of a finished clone holds segment ids `<fileId>_0`, `<fileId>_1`",
    "server-metadata": "clone metadata gains server keys `language` and `accent`",
    "drop-metadata": "the server keeps only `gender` and `languageCode` of the metadata sent",
    "wrapped-folders": "GET /folders answers {data: {...}, pagination}",
    "bare-files": "GET /folders/{id}/files answers a bare list",
    "capped-pages": f"pages hold at most {3} items whatever the limit, and carry no total",
    "slow-processing": "a file stays `pending` for its first 25 looks (reads or listings)",
    "builder-only": "only /speech/voice-builder exists (the other route: gateway 403)",
    "cloning-only": "only /speech/voice-cloning exists (the other route: gateway 403)",
    "newest-first": "GET ?alias= lists the history newest first",
    "alias-object": "GET ?alias= answers `data` as one object (the newest record)",
    "error-details": "error bodies carry `details` instead of `errors`",
    "list-all-403": "GET without ?alias= is refused with 403",
    "list-all-500": "GET without ?alias= fails with 500",
}
PRESETS: dict[str, frozenset[str]] = {
    "guide": frozenset(),
    "sdk": frozenset(
        {
            "segments",
            "server-metadata",
            "wrapped-folders",
            "bare-files",
            "capped-pages",
            "slow-processing",
            "builder-only",
            "newest-first",
            "error-details",
            "list-all-403",
        }
    ),
}
NAMES = (*PRESETS, *VARIANTS)
PAGE_CAP = 3  # INVENTED: api-contract.md §8 (capped-pages)
PROCESSING_READS = 25  # INVENTED: api-contract.md §8 (slow-processing; > the old 20 polls)
GATEWAY_MISSING = "Missing Authentication Token"  # what API gateways answer for no route
KEPT_METADATA = ("gender", "languageCode")  # the JS SDK's zVoiceCloneBody.metadata
SERVER_METADATA = {"language": "multilingual", "accent": "multilingual"}  # JS test mock


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str
    variants: frozenset[str]

    def has(self, variant: str) -> bool:
        return variant in self.variants


GUIDE = Dialect("guide", frozenset())


def parse_dialect(text: str) -> Dialect:
    """`sdk`, `guide`, one variant, or several joined with `+`; else 400."""
    variants: set[str] = set()
    parts = [p.strip() for p in text.split("+")]
    for part in parts:
        if part in PRESETS:
            variants |= PRESETS[part]
        elif part in VARIANTS:
            variants.add(part)
        else:
            # INVENTED: api-contract.md §8 (admin wording)
            raise ApiProblem(
                400, f"unknown dialect '{show(part, 32)}' (expected one of {', '.join(NAMES)})"
            )
    if {"builder-only", "cloning-only"} <= variants:
        raise ApiProblem(400, "builder-only and cloning-only exclude each other")
    return Dialect("+".join(parts), frozenset(variants))


class DialectBox:
    """The dialect in force (changed by the admin API), plus the per-file read counters
    of `slow-processing`; thread-safe."""

    def __init__(self, dialect: Dialect = GUIDE) -> None:
        self._lock = threading.Lock()
        self._dialect = dialect
        self._reads: dict[str, int] = {}

    @property
    def current(self) -> Dialect:
        with self._lock:
            return self._dialect

    def set(self, dialect: Dialect) -> None:
        with self._lock:
            self._dialect = dialect
            self._reads.clear()

    def still_processing(self, file_id: str) -> bool:
        """slow-processing: True for the first PROCESSING_READS looks at an uploaded file
        (a GET of the item, or a listing that shows it)."""
        with self._lock:
            if not self._dialect.has("slow-processing"):
                return False
            seen = self._reads.get(file_id, 0)
            self._reads[file_id] = seen + 1
            return seen < PROCESSING_READS

    def mark_processed(self, file_id: str) -> None:
        """A copy of processed bytes is processed already."""
        with self._lock:
            self._reads[file_id] = PROCESSING_READS

    def peek_processing(self, file_id: str) -> bool:
        """Like still_processing, without counting a look (the create's file check)."""
        with self._lock:
            return self._dialect.has("slow-processing") and (
                self._reads.get(file_id, 0) < PROCESSING_READS
            )
