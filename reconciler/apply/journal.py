"""The apply record on disk: the JSON report written atomically, and the JSON Lines journal
(one line per finished action, flushed at once, so a crash keeps what was done).

Only ids, aliases, repo paths, counts and scrubbed reasons reach these files (reliability.md
§3 Artifacts). Nothing here decides what happened.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from reconciler.apply.events import (
    Adopted,
    Event,
    Interrupted,
    NotAttempted,
    Submitted,
    Uploaded,
    UploadSkipped,
    VoiceFailed,
    VoicePending,
    VoiceSucceeded,
    VoiceUnknown,
)
from reconciler.apply.report import ApplyReport
from reconciler.atomicfile import write_atomically
from reconciler.redact import scrub


def write_report(report: ApplyReport, path: Path) -> None:
    """Write the report JSON atomically: temporary file, fsync, rename, fsync the folder."""
    text = scrub(json.dumps(report.to_dict(), indent=2, ensure_ascii=False)) + "\n"
    write_atomically(path, text)


def journal_entry(event: Event) -> dict[str, Any] | None:
    """The action/result fields for a finished action, or None for progress-only events."""
    match event:
        case Uploaded(alias=a, path=p, file_id=f, size=n):
            return {"alias": a, "action": "upload", "result": "uploaded", "path": p,
                    "file_id": f, "bytes": n}  # fmt: skip
        case UploadSkipped(alias=a, path=p, file_id=f):
            return {"alias": a, "action": "upload", "result": "reused", "path": p, "file_id": f}
        case Submitted(alias=a, clone_id=c, request_id=r, credits=n):
            return {"alias": a, "action": "create", "result": "submitted", "clone_id": c,
                    "request_id": r, "credits_on_success": n}  # fmt: skip
        case Adopted(alias=a, clone_id=c, status=s, reason=why):
            return {"alias": a, "action": "adopt", "result": "adopted", "clone_id": c,
                    "status": s, "reason": why}  # fmt: skip
        case VoiceSucceeded(alias=a, clone_id=c, adopted=adopted):
            result = "adopted" if adopted else "succeeded"
            return {"alias": a, "action": "wait", "result": result, "clone_id": c}
        case VoicePending(alias=a, clone_id=c, status=s):
            return {"alias": a, "action": "wait", "result": "pending", "clone_id": c, "status": s}
        case VoiceFailed(alias=a, clone_id=c, reason=why):
            return {"alias": a, "action": "voice", "result": "failed", "clone_id": c,
                    "reason": why}  # fmt: skip
        case NotAttempted(alias=a, reason=why):
            return {"alias": a, "action": "voice", "result": "not_attempted", "reason": why}
        case VoiceUnknown(alias=a, reason=why):
            return {"alias": a, "action": "create", "result": "unknown", "reason": why}
        case Interrupted(in_flight=busy):
            return {"alias": None, "action": "run", "result": "interrupted",
                    "in_flight": list(busy)}  # fmt: skip
    return None


class JournalSink:
    """An EventSink appending one JSON line per finished action, flushed after each line
    (reliability.md §1.8). `actor`, `commit` and `plan_checksum` come from the CLI."""

    def __init__(
        self,
        handle: IO[str],
        *,
        actor: str = "",
        commit: str = "",
        plan_checksum: str = "",
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._handle = handle
        self._context = {"actor": actor, "commit": commit, "plan_checksum": plan_checksum}
        self._now = now
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path, **context: Any) -> JournalSink:
        return cls(path.open("a", encoding="utf-8"), **context)

    def __enter__(self) -> JournalSink:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._handle.close()

    def emit(self, event: Event) -> None:
        entry = journal_entry(event)
        if entry is None:
            return
        stamp = self._now().isoformat(timespec="milliseconds").replace("+00:00", "Z")
        line = {"time": stamp, **self._context, "request_id": None, **entry}
        text = scrub(json.dumps(line, ensure_ascii=False, separators=(",", ":")))
        with self._lock:
            if self._handle.closed:
                return
            self._handle.write(text + "\n")
            self._handle.flush()  # a crash (even SIGKILL) keeps every finished line
