"""Progress events that `apply` emits while it works, and the sink protocol that receives them.

Frozen values only (stdlib + model): renderers (render/progress.py) and the journal
(render/journal.py) turn them into text; nothing here formats or prints.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from reconciler.model.values import Alias, CloneId, CloneStatus, FileId, FolderId


class Step(StrEnum):
    """The step of a voice that a Retrying event repeats or reads back."""

    UPLOAD = "upload"
    CREATE = "create"
    READ_BACK = "read back"
    POLL = "poll"


class Busy(StrEnum):
    """What a Heartbeat says the run is doing: polling clones, or working on voices."""

    WAITING = "waiting"
    WORKING = "working"


@dataclass(frozen=True, slots=True)
class FolderReady:
    """The upload folder exists (found, or `created` by this run)."""

    name: str
    folder_id: FolderId
    created: bool


@dataclass(frozen=True, slots=True)
class VoiceStarted:
    """Work on one voice began (`index` of `total` writes, 1-based)."""

    alias: Alias
    engine: str
    index: int
    total: int


@dataclass(frozen=True, slots=True)
class Uploaded:
    """A local file reached the folder; `index`/`total` count distinct local files."""

    alias: Alias
    path: str
    size: int
    file_id: FileId
    index: int
    total: int


@dataclass(frozen=True, slots=True)
class UploadSending:
    """Bytes of a local file on their way (each chunk the connection takes): the live
    table shows them; plain CI lines do not (one `uploaded` line per file is enough)."""

    alias: Alias
    path: str
    sent: int
    size: int


@dataclass(frozen=True, slots=True)
class UploadSkipped:
    """A local file was already in the folder under its content-addressed name."""

    alias: Alias
    path: str
    file_id: FileId
    reason: str
    index: int
    total: int


@dataclass(frozen=True, slots=True)
class UploadProcessing:
    """An uploaded file is still being processed by the server; the create of `alias`
    waits (said when the wait starts, then every `UploadWait.report_every_s`)."""

    alias: str
    path: str
    waited_s: float
    status: str


@dataclass(frozen=True, slots=True)
class Retrying:
    """A step failed transiently and is being read back or repeated."""

    alias: Alias
    step: Step
    reason: str


@dataclass(frozen=True, slots=True)
class Submitted:
    """The clone POST was accepted (202); `credits` are charged only on success."""

    alias: Alias
    clone_id: CloneId
    engine: str
    credits: int
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class Adopted:
    """A record of ours already held the alias (earlier run, concurrent run, lost 202)."""

    alias: Alias
    clone_id: CloneId
    status: CloneStatus
    reason: str


@dataclass(frozen=True, slots=True)
class WaitStarted:
    """The polling loop starts for `count` clones, bounded by `timeout_s`."""

    count: int
    timeout_s: float


@dataclass(frozen=True, slots=True)
class StatusChanged:
    """Polling saw a new status; `elapsed_s` counts from the start of the wait."""

    alias: Alias
    clone_id: CloneId
    status: CloneStatus
    elapsed_s: float


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """Still busy: (alias, status or phase) pairs, while waiting or working."""

    kind: Busy
    entries: tuple[tuple[Alias, str], ...]
    elapsed_s: float


@dataclass(frozen=True, slots=True)
class VoiceSucceeded:
    alias: Alias
    clone_id: CloneId
    adopted: bool
    discarded: int = 0  # files the server did not use (not a failure without strict_files)


@dataclass(frozen=True, slots=True)
class VoicePending:
    """Still running when the wait ended; a later plan/apply picks it up."""

    alias: Alias
    clone_id: CloneId
    status: CloneStatus
    elapsed_s: float


@dataclass(frozen=True, slots=True)
class VoiceFailed:
    alias: Alias
    reason: str
    clone_id: CloneId | None = None


@dataclass(frozen=True, slots=True)
class NotAttempted:
    """Never POSTed: a 402, repeated transient failures, a bad key or an interrupt."""

    alias: Alias
    reason: str


@dataclass(frozen=True, slots=True)
class VoiceUnknown:
    """A POST was in flight when the run stopped; the next run reads the alias back."""

    alias: Alias
    reason: str


@dataclass(frozen=True, slots=True)
class Interrupted:
    """A stop was requested; in-flight requests get `grace_s` seconds to finish."""

    in_flight: tuple[Alias, ...]
    grace_s: float


Event = (
    FolderReady
    | VoiceStarted
    | Uploaded
    | UploadSending
    | UploadSkipped
    | UploadProcessing
    | Retrying
    | Submitted
    | Adopted
    | WaitStarted
    | StatusChanged
    | Heartbeat
    | VoiceSucceeded
    | VoicePending
    | VoiceFailed
    | NotAttempted
    | VoiceUnknown
    | Interrupted
)

FINAL_EVENTS = (VoiceSucceeded, VoicePending, VoiceFailed, NotAttempted, VoiceUnknown)
"""One of these is emitted exactly once per voice, at the end of its work."""


class EventSink(Protocol):
    """Receives events, possibly from several worker threads at once."""

    def emit(self, event: Event) -> None: ...


class NullSink:
    def emit(self, event: Event) -> None:
        return None


class RecordingSink:
    """Keeps every event in order (tests, and the live table's replay)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[Event] = []

    def emit(self, event: Event) -> None:
        with self._lock:
            self._events.append(event)

    @property
    def events(self) -> tuple[Event, ...]:
        with self._lock:
            return tuple(self._events)


class FanoutSink:
    """Sends every event to several sinks in order (progress display + journal). One
    failing sink does not starve the others: the first error is raised after all ran."""

    def __init__(self, sinks: Iterable[EventSink]) -> None:
        self._sinks = tuple(sinks)

    def emit(self, event: Event) -> None:
        failure: Exception | None = None
        for sink in self._sinks:
            try:
                sink.emit(event)
            except Exception as exc:
                failure = failure or exc
        if failure is not None:
            raise failure
