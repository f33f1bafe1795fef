"""The mutable state of one apply run: each voice's phase and result so far, and the
run-wide switches the workers share (why new voices stop, the transient streak, the
snapshot after which late workers change nothing). Every change goes through RunControl,
under its lock, by a named transition.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from enum import StrEnum

from reconciler.apply.events import EventSink, NotAttempted, VoiceFailed, VoiceUnknown
from reconciler.apply.report import Outcome
from reconciler.model.errors import VoicectlError
from reconciler.model.values import Alias, Declaration, FileId, RemoteClone
from reconciler.plan.change import Change

TRANSIENT_STREAK_LIMIT = 5


class ApplyPhase(StrEnum):
    """Where one voice is in the create protocol (shown in heartbeats while busy)."""

    QUEUED = "queued"
    UPLOADING = "uploading"
    CHECKING = "checking"  # reading the alias back before the create
    CREATING = "creating"  # the POST is being sent
    SUBMITTED = "submitted"  # a clone record is ours (created or adopted): the wait decides
    SETTLED = "settled"  # an outcome was decided before the wait (failed, not attempted...)


BUSY_PHASES = frozenset({ApplyPhase.UPLOADING, ApplyPhase.CHECKING, ApplyPhase.CREATING})


@dataclass(slots=True)
class Voice:
    """Mutable progress of one planned write inside one execute(); changed under the lock."""

    change: Change  # what the reviewed plan says to create: sent as it is
    phase: ApplyPhase = ApplyPhase.QUEUED
    outcome: Outcome | None = None  # decided before the wait (failed, not attempted...)
    reason: str | None = None
    clone: RemoteClone | None = None
    adopted: bool = False
    post_in_flight: bool = False
    retries: int = 0
    paths_by_id: dict[FileId, str] = field(default_factory=dict)

    @property
    def alias(self) -> Alias:
        return self.change.alias

    @property
    def decl(self) -> Declaration:
        """The declaration behind the change (execute() accepts writes only, which have one)."""
        assert self.change.declared is not None
        return self.change.declared

    @property
    def busy(self) -> bool:
        return self.outcome is None and self.phase in BUSY_PHASES


class NotStartedError(VoicectlError):
    """A write was not sent: the run stopped (interrupt, 402, transient streak, bad key)
    while this worker waited for its turn."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RunControl:
    """Run-wide switches shared by the workers and the one place voices change."""

    def __init__(self, stop: threading.Event, events: EventSink) -> None:
        self.stop = stop
        self.events = events
        self.lock = threading.Lock()
        self.halt_reason: str | None = None
        self._streak = 0
        self._frozen = False

    def halted(self) -> str | None:
        if self.stop.is_set():
            return "interrupted before the create"
        with self.lock:
            return self.halt_reason

    def halt(self, reason: str) -> None:
        with self.lock:
            self.halt_reason = self.halt_reason or reason

    def note_transient(self) -> None:
        with self.lock:
            self._streak += 1
            if self._streak >= TRANSIENT_STREAK_LIMIT and self.halt_reason is None:
                self.halt_reason = f"{TRANSIENT_STREAK_LIMIT} consecutive transient failures"

    def enter(self, voice: Voice, phase: ApplyPhase, *, post_in_flight: bool = False) -> bool:
        """Move a voice to `phase` (CREATING with the POST in flight); False once the
        report snapshot was taken."""
        with self.lock:
            if self._frozen:
                return False
            voice.phase, voice.post_in_flight = phase, post_in_flight
            return True

    def post_done(self, voice: Voice, *, retried: bool = False) -> None:
        """The POST is no longer in flight (refused, lost, or never sent)."""
        with self.lock:
            if not self._frozen:
                voice.post_in_flight = False
                voice.retries += 1 if retried else 0

    def landed(self, voice: Voice, clone: RemoteClone, *, adopted: bool) -> bool:
        """A clone record is ours (created now, or `adopted`); ends a transient streak."""
        with self.lock:
            if self._frozen:
                return False
            voice.clone, voice.adopted = clone, adopted
            voice.phase, voice.post_in_flight = ApplyPhase.SUBMITTED, False
            self._streak = 0
            return True

    def freeze(self, voices: list[Voice]) -> list[Voice]:
        with self.lock:
            self._frozen = True
            return [copy.copy(v) for v in voices]

    def settle(self, voice: Voice, outcome: Outcome, reason: str) -> None:
        """Record an outcome decided during the worker phase and show it at once."""
        with self.lock:
            if self._frozen or voice.outcome is not None:
                return
            voice.outcome, voice.reason, voice.phase = outcome, reason, ApplyPhase.SETTLED
        alias = voice.alias
        if outcome is Outcome.NOT_ATTEMPTED:
            self.events.emit(NotAttempted(alias, reason))
        elif outcome is Outcome.UNKNOWN:
            self.events.emit(VoiceUnknown(alias, reason))
        else:
            self.events.emit(VoiceFailed(alias, reason))
