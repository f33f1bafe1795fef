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
    "slow-processing": "a file stays `pending` for 2 minutes (emulator clock) after its PUT",
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
# INVENTED: api-contract.md §8 (slow-processing): "minutes", well past the old 36 s give-up;
# multiplied by the clock's time scale, like the clone phases (E4)
PROCESSING_S = 120.0
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
    """The dialect in force (changed by the admin API), plus the PUT times of the files
    `slow-processing` keeps `pending`; thread-safe."""

    def __init__(self, dialect: Dialect = GUIDE) -> None:
        self._lock = threading.Lock()
        self._dialect = dialect
        self._put_at: dict[str, float] = {}  # fileId → emulator time of its good PUT

    @property
    def current(self) -> Dialect:
        with self._lock:
            return self._dialect

    def set(self, dialect: Dialect) -> None:
        with self._lock:
            self._dialect = dialect
            self._put_at.clear()

    def uploaded(self, file_id: str, at: float) -> None:
        """A PUT stored the file's bytes at emulator time `at` (slow-processing only: files
        put before the dialect was chosen, and copies, are processed already)."""
        with self._lock:
            if self._dialect.has("slow-processing"):
                self._put_at[file_id] = at

    def processing(self, file_id: str, now: float, scale: float) -> bool:
        """slow-processing: True while an uploaded file is within PROCESSING_S (× the time
        scale) of its PUT on the emulator clock; the caller checks it is `uploaded`."""
        with self._lock:
            if not self._dialect.has("slow-processing"):
                return False
            at = self._put_at.get(file_id)
            if at is None:
                return False
            if now < at + PROCESSING_S * scale:
                return True
            del self._put_at[file_id]  # processed for good
            return False
