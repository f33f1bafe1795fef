"""Interrupts: stop starting work, give in-flight requests a short bound, report a POST
still in flight as unknown (the next run reads it back), exit 130."""

from __future__ import annotations

import threading
import time

from reconciler.apply.events import Interrupted, RecordingSink, Uploaded
from reconciler.apply.report import Outcome
from tests.support.applyrig import Rig, one_record_per_alias, plan_writes

CLONES = "/speech/voice-cloning"


def test_a_stop_before_the_start_attempts_nothing(rig: Rig) -> None:
    stop = threading.Event()
    stop.set()
    report, _ = rig.execute([rig.declare("anna"), rig.declare("bob")], stop=stop)
    assert [(v.outcome, v.reason) for v in report.voices] == [
        (Outcome.NOT_ATTEMPTED, "interrupted before the create"),
        (Outcome.NOT_ATTEMPTED, "interrupted before the create"),
    ]
    assert report.interrupted and report.exit_code == 130
    assert rig.requests() == []


def test_a_stop_during_the_wait_leaves_submitted_clones_pending(rig: Rig) -> None:
    rig.clock_mode("manual")
    stop = threading.Event()
    rig.clock.also = lambda s: stop.set()
    report, _ = rig.execute([rig.declare("anna")], stop=stop)
    assert report.voices[0].outcome is Outcome.PENDING
    assert report.exit_code == 130
    assert len(rig.posts()) == 1


class _StopWhenUploaded(RecordingSink):
    """Sets `stop` a moment after the last upload, while the slow create is in flight."""

    def __init__(self, stop: threading.Event, uploads: int) -> None:
        super().__init__()
        self._stop, self._uploads = stop, uploads

    def emit(self, event: object) -> None:
        super().emit(event)  # type: ignore[arg-type]
        if isinstance(event, Uploaded) and event.index == self._uploads:
            threading.Timer(0.15, self._stop.set).start()


def test_a_create_in_flight_at_the_interrupt_is_unknown_and_read_back_next_time(
    rig: Rig,
) -> None:
    rig.fault(method="POST", route=CLONES, delay_s=0.6)
    stop = threading.Event()
    sink = _StopWhenUploaded(stop, uploads=3)
    writes = [rig.declare("anna"), rig.declare("bob")]
    report, _ = rig.execute(writes, stop=stop, events=sink, concurrency=1, interrupt_grace_s=0.05)
    anna, bob = report.voices
    assert (anna.outcome, anna.reason) == (
        Outcome.UNKNOWN,
        "create was in flight at the interrupt; will be read back by the next run",
    )
    assert (bob.outcome, bob.reason) == (Outcome.NOT_ATTEMPTED, "interrupted before the create")
    assert report.exit_code == 130
    assert [e.in_flight for e in sink.events if isinstance(e, Interrupted)] == [("anna",)]
    seen = len(sink.events)
    deadline = time.monotonic() + 5
    while not rig.clones("anna") and time.monotonic() < deadline:
        time.sleep(0.05)  # the abandoned POST lands after execute() returned
    time.sleep(0.05)
    assert len(sink.events) == seen  # nothing is emitted after the report was built
    rig.faults_clear()
    again, _ = rig.execute(writes)
    assert [v.outcome for v in again.voices] == [Outcome.ADOPTED, Outcome.SUCCEEDED]
    one_record_per_alias(rig, ["anna", "bob"])
    assert len(rig.posts()) == 2
    assert plan_writes(rig, writes) == []
