"""Execute the writes of a fresh plan: upload, read back, create once, wait, report.

This module runs the workers and the interrupt; the per-voice protocol (never a blind
retry of a create) is in creating.py, uploads in uploads.py, polling in waiting.py.
Nothing here deletes anything, and one failing voice never stops the others.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from reconciler.apply.control import RunControl, Voice
from reconciler.apply.creating import VoiceRunner
from reconciler.apply.events import Busy, Event, EventSink, Heartbeat, Interrupted, NullSink
from reconciler.apply.gate import GatedApi
from reconciler.apply.readback import KnownHistories
from reconciler.apply.report import ApplyReport, Outcome
from reconciler.apply.settling import Settler
from reconciler.apply.trail import RequestTrail
from reconciler.apply.uploads import UploadStore
from reconciler.apply.waiting import DEAD_API_S, HEARTBEAT_S, ClonePoller
from reconciler.audiostack.retry import Cooldown, RetryPolicy
from reconciler.model.values import RemoteState, current_record
from reconciler.model.voiceapi import VoiceApi
from reconciler.plan.change import WRITE_ACTIONS, Change
from reconciler.redact import safe


@dataclass(frozen=True, slots=True)
class ApplyTiming:
    """How many voices at once and how long apply waits (the CLI's --concurrency,
    --wait-timeout and --api-down-after; the poll interval and the grace are fixed there).
    `concurrency` caps the worker threads; the voices in progress follow the limiter's
    adaptive limit below that."""

    concurrency: int = 16
    wait_timeout_s: float = 600.0
    poll_interval_s: float = 5.0
    interrupt_grace_s: float = 10.0  # real seconds in-flight requests get after a stop
    dead_api_s: float = DEAD_API_S  # no good poll answer for this long ends the wait


def execute(
    writes: Sequence[Change],
    api: VoiceApi,
    *,
    owner: str,
    folder_name: str = "voicectl",
    root: Path = Path(),
    remote: RemoteState | None = None,
    timing: ApplyTiming = ApplyTiming(),
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] | None = None,
    events: EventSink | None = None,
    stop: threading.Event | None = None,
    limiter: Cooldown | None = None,
    trail: RequestTrail | None = None,
    resume: Sequence[Change] = (),
) -> ApplyReport:
    """Create every change in `writes` (the create/replace changes of a fresh plan) and
    send exactly what each holds: its alias, engine, metadata, files and consent.

    `owner` is the plan's owner (the marker that makes a record ours); `root` is the
    repository the declared paths are relative to; `remote` is the state the plan read
    (its folder listing and complete clone listing are reused); `limiter` bounds the voices
    in flight and shrinks on 429 (default: the client's `cooldown`); `stop` is set by the
    CLI on SIGINT/SIGTERM; `trail` collects request ids when the CLI also passes it as the
    client's `on_request` hook. Sleeps default to waiting on `stop`. The wait ends early
    when the API gives no good answer for `timing.dead_api_s` seconds. `resume`: pending
    changes whose clones an earlier run left running; they are only waited for.
    """
    for change in writes:
        if change.action not in WRITE_ACTIONS or change.declared is None:
            raise ValueError(f"not a planned write: {change.action} {change.alias}")
    stop = stop or threading.Event()
    sleep = sleep or _waiter(stop)
    sink = _GatedSink(events or NullSink())
    control = RunControl(stop, sink)
    sink.on_failure = control.halt
    limiter = limiter or _default_limiter(api, timing.concurrency)
    api = GatedApi(api, limiter, gate=control.halted)
    voices = [Voice(c) for c in sorted(writes, key=lambda c: c.alias)]
    store = UploadStore(
        api,
        folder_name=folder_name,
        root=root,
        events=sink,
        local_names=[n for v in voices for f in v.decl.all_files if (n := f.upload_name)],
        folder_id=remote.folder_id if remote else None,
        listed=(remote.files_by_name, remote.folder_file_count) if remote else None,
        sleep=sleep,
    )
    trail = trail or RequestTrail()
    runner = VoiceRunner(
        api,
        store,
        control,
        owner=owner,
        last_request_id=trail.last,
        known=KnownHistories.of(remote),
    )
    workers = _Workers(runner, control, voices, trail=trail, clock=clock, limit=limiter)
    workers.start(max(1, min(timing.concurrency, limiter.ceiling)))
    workers.watch(timing.interrupt_grace_s)
    final = sorted([*control.freeze(voices), *_resumed(resume, remote)], key=lambda v: v.alias)
    waited = None
    began = clock()
    settler = Settler(final, events=sink, request_ids=trail.ids, elapsed=lambda: clock() - began)
    if not stop.is_set():
        poller = ClonePoller(
            api,
            events=sink,
            clock=clock,
            sleep=sleep,
            stop=stop,
            timeout_s=timing.wait_timeout_s,
            interval_s=timing.poll_interval_s,
            grace_s=timing.interrupt_grace_s,
            dead_after_s=timing.dead_api_s,
            on_terminal=settler.on_terminal,
        )
        waited = poller.wait({v.alias: v.clone for v in final if v.clone and not v.outcome})
    report = settler.finish(
        latest=waited.latest if waited else {},
        waited_s=waited.elapsed_s if waited else 0.0,
        credits_remaining=api.credits_remaining,
        uploads=store.stats,
        interrupted=stop.is_set(),
        stopped_reason=control.halt_reason or (waited.gave_up if waited else None),
    )
    sink.closed = True  # workers still stuck after an interrupt stay silent
    return report


def _default_limiter(api: VoiceApi, concurrency: int) -> Cooldown:
    found = getattr(api, "cooldown", None)  # AudioStackClient shares its 429 cooldown
    if isinstance(found, Cooldown):
        return found
    return Cooldown(RetryPolicy(max_concurrency=max(1, concurrency)))


def _waiter(stop: threading.Event) -> Callable[[float], None]:
    def wait(seconds: float) -> None:
        stop.wait(seconds)  # wakes up at once on an interrupt

    return wait


class _GatedSink:
    """Forwards events until closed: workers left running after an interrupt stay silent.

    A failing sink (full disk under the journal, a closed pipe under the progress lines)
    must not change what happened to a voice (a clone already POSTed is still polled and
    reported), so its error is kept here and `on_failure` stops new voices instead."""

    def __init__(self, inner: EventSink) -> None:
        self._inner = inner
        self.closed = False
        self.on_failure: Callable[[str], None] | None = None

    def emit(self, event: Event) -> None:
        if self.closed:
            return
        try:
            self._inner.emit(event)
        except Exception as exc:
            if self.on_failure is not None:
                self.on_failure(
                    f"progress or journal output failed: {type(exc).__name__}: {safe(str(exc))}"
                )


class _Limit(Protocol):
    @property
    def limit(self) -> int: ...


class _Workers:
    """Up to `concurrency` threads taking voices in alias order; the voices in progress
    follow the limiter's adaptive limit, as the requests in flight do (GatedApi)."""

    def __init__(
        self,
        runner: VoiceRunner,
        control: RunControl,
        voices: list[Voice],
        *,
        trail: RequestTrail,
        clock: Callable[[], float],
        limit: _Limit,
    ) -> None:
        self._runner, self._control, self._voices = runner, control, voices
        self._trail, self._clock, self._limit = trail, clock, limit
        self._active = 0
        self._room = threading.Condition()
        self._next = 0
        self._threads: list[threading.Thread] = []

    def start(self, count: int) -> None:
        for n in range(min(count, len(self._voices))):
            thread = threading.Thread(target=self._work, name=f"voicectl-apply-{n}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def watch(self, grace_s: float) -> None:
        """Wait for the workers, with heartbeats; on stop, give in-flight requests
        `grace_s` seconds of real time, then leave them (the report marks them)."""
        control = self._control
        start = beat = self._clock()
        while any(t.is_alive() for t in self._threads):
            if control.stop.wait(0.02):
                with control.lock:
                    busy = tuple(v.alias for v in self._voices if v.busy)
                control.events.emit(Interrupted(busy, grace_s))
                end = time.monotonic() + grace_s
                for thread in self._threads:
                    thread.join(max(0.0, end - time.monotonic()))
                return
            if self._clock() - beat >= HEARTBEAT_S:
                beat = self._clock()
                with control.lock:
                    entries = tuple((v.alias, v.phase) for v in self._voices if v.busy)
                control.events.emit(Heartbeat(Busy.WORKING, entries, beat - start))

    def _take(self) -> tuple[int, Voice] | None:
        with self._control.lock:
            if self._next >= len(self._voices):
                return None
            self._next += 1
            return self._next, self._voices[self._next - 1]

    def _work(self) -> None:
        while True:
            with self._room:  # the limit changes elsewhere: look again every 50 ms
                while self._active >= self._limit.limit and not self._control.stop.is_set():
                    self._room.wait(0.05)
                self._active += 1
            try:
                if (taken := self._take()) is None:
                    return
                index, voice = taken
                if self._skip_if_halted(voice):
                    continue
                self._trail.bind(voice.alias)
                try:
                    self._runner.run(voice, index, len(self._voices))
                finally:
                    self._trail.bind(None)
            finally:
                with self._room:
                    self._active -= 1
                    self._room.notify()

    def _skip_if_halted(self, voice: Voice) -> bool:
        reason = self._control.halted()
        if reason is not None:
            self._control.settle(voice, Outcome.NOT_ATTEMPTED, reason)
        return reason is not None


def _resumed(pending: Sequence[Change], remote: RemoteState | None) -> list[Voice]:
    """Voices of clones still running from an earlier run: tracked, never re-created."""
    voices = []
    for change in pending:
        record = current_record(remote.clones.get(change.alias, ())) if remote else None
        if change.declared is not None and record is not None and not record.terminal:
            voices.append(Voice(change, clone=record))
    return voices
