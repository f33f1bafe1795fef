"""Settling: each voice's final outcome (succeeded, adopted, pending, failed...) and the
report. A clone seen finishing during the wait is settled (and its event emitted) at that
moment by `Settler.on_terminal`; the rest when the wait ends, by `Settler.finish`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from reconciler.apply.control import Voice
from reconciler.apply.events import (
    EventSink,
    NotAttempted,
    VoiceFailed,
    VoicePending,
    VoiceSucceeded,
    VoiceUnknown,
)
from reconciler.apply.report import ApplyReport, DiscardedFile, Outcome, UploadStats, VoiceResult
from reconciler.model.values import Alias, CloneStatus, RemoteClone
from reconciler.redact import safe


class Settler:
    """Outcomes of one run's voices, each decided and shown exactly once."""

    def __init__(
        self,
        voices: Sequence[Voice],
        *,
        events: EventSink,
        request_ids: Callable[[Alias], tuple[str, ...]],
        elapsed: Callable[[], float] = lambda: 0.0,
    ) -> None:
        self._voices = {v.alias: v for v in voices}
        self._order = tuple(voices)
        self._events = events
        self._request_ids = request_ids
        self._elapsed = elapsed
        self._settled: dict[Alias, VoiceResult] = {}
        self._lock = threading.Lock()

    def on_terminal(self, alias: Alias, record: RemoteClone) -> None:
        """A tracked clone reached a final status: its outcome now (journal, table, line)."""
        voice = self._voices.get(alias)
        with self._lock:
            if voice is None or alias in self._settled:
                return
            latest = {alias: record}
            result = _finish(voice, latest, self._elapsed(), self._events, self._request_ids(alias))
            self._settled[alias] = result

    def finish(
        self,
        *,
        latest: Mapping[Alias, RemoteClone],
        waited_s: float,
        credits_remaining: int | None,
        uploads: UploadStats,
        interrupted: bool,
        stopped_reason: str | None,
    ) -> ApplyReport:
        """The report; voices not settled during the wait are settled (and shown) now."""
        results = []
        for voice in self._order:
            alias = voice.alias
            with self._lock:
                done = self._settled.get(alias)
            if done is None:
                done = _finish(voice, latest, waited_s, self._events, self._request_ids(alias))
            results.append(replace(done, request_ids=self._request_ids(alias)))
        return ApplyReport(
            voices=tuple(results),
            credits_spent=sum(r.credits for r in results),
            credits_remaining=credits_remaining,
            uploads=uploads,
            interrupted=interrupted,
            stopped_reason=stopped_reason,
        )


def _finish(
    voice: Voice,
    latest: Mapping[Alias, RemoteClone],
    waited_s: float,
    events: EventSink,
    request_ids: tuple[str, ...],
) -> VoiceResult:
    decl, alias = voice.decl, voice.alias
    base = VoiceResult(
        alias,
        decl.engine,
        Outcome.PENDING,
        source=decl.source.path,
        request_ids=request_ids,
        retries=voice.retries,
    )
    if voice.outcome is not None:  # decided (and shown) during the worker phase
        return replace(base, outcome=voice.outcome, reason=voice.reason)
    if voice.post_in_flight:
        reason = "create was in flight at the interrupt; will be read back by the next run"
        events.emit(VoiceUnknown(alias, reason))
        return replace(base, outcome=Outcome.UNKNOWN, reason=reason)
    if voice.clone is None:
        reason = "interrupted before the create"
        events.emit(NotAttempted(alias, reason))
        return replace(base, outcome=Outcome.NOT_ATTEMPTED, reason=reason)
    record = latest.get(alias, voice.clone)
    discarded = tuple(
        DiscardedFile(fid, voice.paths_by_id.get(fid), safe(why, 200))
        for fid, why in sorted(record.discarded.items())
    )
    base = replace(base, clone_id=record.clone_id, status=record.status, discarded=discarded)
    if record.status == CloneStatus.SUCCEEDED:
        spent = 0 if voice.adopted else voice.change.credits  # the plan's price, not recomputed
        base = replace(base, credits=spent)
        if decl.strict_files and discarded:
            reason = f"strict_files: the server discarded {len(discarded)} file(s)"
            events.emit(VoiceFailed(alias, reason, record.clone_id))
            return replace(base, outcome=Outcome.FAILED, reason=reason)
        outcome = Outcome.ADOPTED if voice.adopted else Outcome.SUCCEEDED
        events.emit(VoiceSucceeded(alias, record.clone_id, voice.adopted, len(discarded)))
        return replace(base, outcome=outcome)
    if record.status == CloneStatus.FAILED:
        reason = safe(record.fail_reason or "the clone failed", 300)
        events.emit(VoiceFailed(alias, reason, record.clone_id))
        return replace(base, outcome=Outcome.FAILED, reason=reason)
    events.emit(VoicePending(alias, record.clone_id, record.status, waited_s))
    return replace(base, outcome=Outcome.PENDING)
