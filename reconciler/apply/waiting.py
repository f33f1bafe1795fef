"""Waiting: one polling loop for every submitted clone. A clone that reaches a final status
is handed to `on_terminal` at once (its outcome is shown then, not when the wait ends);
settling.py turns the voices' final state into the report.

GET only. A clone still running when the wait ends is *pending*, never failed. Poll errors
are not voice failures: the loop tries again at the next interval.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from reconciler.apply.events import (
    Busy,
    EventSink,
    Heartbeat,
    Retrying,
    StatusChanged,
    Step,
    WaitStarted,
)
from reconciler.model.errors import ApiError
from reconciler.model.values import Alias, RemoteClone
from reconciler.model.voiceapi import VoiceApi
from reconciler.redact import safe

HEARTBEAT_S = 30.0
DEAD_API_S = 120.0  # no good answer for this long while waiting: the API is down, stop
WATCH_S = 0.02  # how often the main thread looks at stop/deadline/heartbeat during a round


@dataclass(frozen=True, slots=True)
class WaitOutcome:
    latest: Mapping[Alias, RemoteClone]  # the newest record seen for each tracked clone
    elapsed_s: float
    timed_out: bool
    gave_up: str | None = None  # why the wait ended early (the API stopped answering)


class ClonePoller:
    """Polls tracked clones with `list_clones` (one GET for all) or per-alias GETs.

    Each round runs on a helper thread while the calling thread watches: a round slowed by
    retries or a hung GET still gets heartbeats, ends at the deadline, and after an
    interrupt gets only `grace_s` seconds (its clones stay pending; GETs change nothing).
    """

    def __init__(
        self,
        api: VoiceApi,
        *,
        events: EventSink,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        stop: threading.Event,
        timeout_s: float,
        interval_s: float,
        heartbeat_s: float = HEARTBEAT_S,
        grace_s: float = 10.0,
        dead_after_s: float = DEAD_API_S,
        on_terminal: Callable[[Alias, RemoteClone], None] | None = None,
    ) -> None:
        self._api = api
        self._on_terminal = on_terminal or (lambda alias, record: None)
        self._events = events
        self._clock = clock
        self._sleep = sleep
        self._stop = stop
        self._timeout = timeout_s
        self._interval = max(0.0, interval_s)
        self._heartbeat = heartbeat_s
        self._grace = grace_s
        self._beat_at = 0.0
        self._listing_ok = True
        self._refused: ApiError | None = None  # a permanent error (bad key) ends the wait
        self._dead_after = dead_after_s
        self._answered = False  # the current round got at least one good answer

    def wait(self, tracked: Mapping[Alias, RemoteClone]) -> WaitOutcome:
        latest = dict(tracked)
        waiting = sorted(a for a, c in latest.items() if not c.terminal)
        start = self._clock()
        for alias in sorted(a for a, c in latest.items() if c.terminal):
            self._on_terminal(alias, latest[alias])  # finished before the wait began
        if not waiting:
            return WaitOutcome(latest, 0.0, timed_out=False)
        self._events.emit(WaitStarted(len(waiting), self._timeout))
        deadline = start + self._timeout
        self._beat_at = start
        good_at, gave_up = start, None
        while waiting and not self._stop.is_set() and self._refused is None:
            self._answered = False
            fetched = self._fetch_watched(waiting, latest, start, deadline)
            self._poll_round(fetched, latest, start)
            waiting = [a for a in waiting if not latest[a].terminal]
            now = self._clock()
            good_at = now if self._answered else good_at
            if waiting and now - good_at >= self._dead_after:
                gave_up = (
                    f"the API gave no good answer for {now - good_at:.0f} s while waiting; "
                    f"{len(waiting)} voice(s) still pending: {', '.join(waiting)}"
                )
                break
            if not waiting or now >= deadline or self._stop.is_set() or self._refused:
                break
            self._beat_if_due(waiting, latest, start)
            # never sleep past the next heartbeat or the deadline
            beat = self._beat_at
            self._sleep(max(0.0, min(self._interval, deadline - now, beat + self._heartbeat - now)))
        elapsed = self._clock() - start
        stopped = self._stop.is_set() or self._refused is not None or gave_up is not None
        return WaitOutcome(
            latest, elapsed, timed_out=bool(waiting) and not stopped, gave_up=gave_up
        )

    def _beat_if_due(
        self, waiting: list[Alias], latest: Mapping[Alias, RemoteClone], start: float
    ) -> None:
        now = self._clock()
        if now - self._beat_at >= self._heartbeat:
            self._beat_at = now
            entries = tuple((a, latest[a].status) for a in waiting)
            self._events.emit(Heartbeat(Busy.WAITING, entries, now - start))

    def _fetch_watched(
        self,
        waiting: list[Alias],
        latest: Mapping[Alias, RemoteClone],
        start: float,
        deadline: float,
    ) -> dict[Alias, tuple[RemoteClone, ...]]:
        """One round of GETs on a helper thread; {} when it was left behind (stop, deadline)."""
        box: list[dict[Alias, tuple[RemoteClone, ...]] | BaseException] = []
        done = threading.Event()

        def fetch() -> None:
            try:
                box.append(self._fetch(waiting))
            except BaseException as exc:  # handed to the waiting thread, never lost
                box.append(exc)
            finally:
                done.set()

        threading.Thread(target=fetch, name="voicectl-poll", daemon=True).start()
        while not done.wait(WATCH_S):
            if self._stop.is_set():
                done.wait(self._grace)
                break
            if self._clock() >= deadline:
                break
            self._beat_if_due(waiting, latest, start)
        if not done.is_set():
            return {}
        found = box[0]
        if isinstance(found, BaseException):
            raise found
        return found

    def _poll_round(
        self,
        fetched: Mapping[Alias, tuple[RemoteClone, ...]],
        latest: dict[Alias, RemoteClone],
        start: float,
    ) -> None:
        for alias, records in fetched.items():
            old = latest[alias]
            new = next((r for r in reversed(records) if r.clone_id == old.clone_id), None)
            if new is None:
                continue  # not visible yet (eventual consistency): keep waiting
            latest[alias] = new
            if new.status != old.status:
                elapsed = self._clock() - start
                self._events.emit(StatusChanged(alias, new.clone_id, new.status, elapsed))
                if new.terminal:
                    self._on_terminal(alias, new)

    def _fetch(self, aliases: list[Alias]) -> dict[Alias, tuple[RemoteClone, ...]]:
        if len(aliases) > 1 and self._listing_ok:
            try:
                listing = self._api.list_clones()
            except ApiError as exc:
                self._note_error(aliases[0], exc)
                return {}
            self._answered = True
            if listing.complete:
                wanted = set(aliases)
                found: dict[Alias, list[RemoteClone]] = {a: [] for a in aliases}
                for record in listing.records:
                    if record.alias in wanted:
                        found[record.alias].append(record)
                return {a: tuple(r) for a, r in found.items()}
            self._listing_ok = False  # list-all refused (api-contract.md E26): per alias
        result: dict[Alias, tuple[RemoteClone, ...]] = {}
        for alias in aliases:
            if self._stop.is_set():
                break
            try:
                result[alias] = self._api.get_clones(alias)
                self._answered = True
            except ApiError as exc:
                self._note_error(alias, exc)
                if self._refused is not None:
                    break
        return result

    def _note_error(self, alias: Alias, exc: ApiError) -> None:
        if not exc.transient:
            self._refused = exc
        self._events.emit(Retrying(alias, Step.POLL, safe(str(exc))))
