"""Review of stops and losses: no write starts after the run stopped (even for a worker
that was waiting for its limiter slot), an interrupt during a slow poll ends within the
grace, and an unreadable alias after a lost or refused create is 'unknown', never a
second POST and never 'failed'."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

from reconciler.apply.events import RecordingSink, WaitStarted
from reconciler.apply.report import Outcome
from reconciler.audiostack.retry import Cooldown, RetryPolicy
from tests.support.applyrig import Rig, one_record_per_alias

CLONES = "/speech/voice-cloning"
REQUEST_ID = r"\(request id [0-9a-f-]{36}\)"
READ_BACK_FAILED = (
    rf"GET /speech/voice-cloning\?alias=anna HTTP 503: Service Unavailable "
    rf"\(gave up after 5 attempts\) {REQUEST_ID}"
)


def _after_clone_post(rig: Rig, action: Any) -> Any:
    """A client whose hook runs `action` once, right after the first clone POST."""
    done: list[bool] = []

    def hook(record: Any) -> None:
        if record.method == "POST" and record.path == CLONES and not done:
            done.append(True)
            action()

    return rig.client(on_request=hook)


def test_a_worker_waiting_for_its_slot_sends_no_create_after_the_stop(rig: Rig) -> None:
    limiter = Cooldown(RetryPolicy(max_concurrency=2))
    stop = threading.Event()
    held = threading.Event()

    def hold_the_last_slot_then_stop() -> None:
        with limiter.slot():
            held.set()
            time.sleep(0.15)  # the worker is now queued for its create slot
            stop.set()
            time.sleep(0.05)

    def squeeze(record: Any) -> None:  # during the read back: one slot left, then taken
        if record.method == "GET" and record.path.startswith(f"{CLONES}?") and not held.is_set():
            threading.Thread(target=hold_the_last_slot_then_stop).start()
            held.wait()
            limiter.record_rate_limited(0.0)  # a 429 elsewhere: 2 slots → 1

    client = rig.client(on_request=squeeze)
    report, _ = rig.execute(
        [rig.declare("anna", 1)], client=client, limiter=limiter, stop=stop, interrupt_grace_s=2
    )
    voice = report.voices[0]
    assert (voice.outcome, voice.reason) == (Outcome.NOT_ATTEMPTED, "interrupted before the create")
    assert rig.posts() == []
    assert report.exit_code == 130


def test_an_interrupt_during_a_slow_poll_ends_within_the_grace(rig: Rig) -> None:
    rig.clock_mode("manual")
    stop = threading.Event()

    polls_before: list[int] = []

    def polls() -> int:
        return len([r for r in rig.requests() if r["method"] == "GET" and r["path"] == CLONES])

    class SlowPollThenStop(RecordingSink):
        def emit(self, event: Any) -> None:
            super().emit(event)
            if isinstance(event, WaitStarted):
                polls_before.append(polls())
                rig.fault(method="GET", route=CLONES, delay_s=1.2, times=1)
                threading.Timer(0.05, stop.set).start()

    started = time.monotonic()
    report, _ = rig.execute(
        [rig.declare("anna", 1)], stop=stop, events=SlowPollThenStop(), interrupt_grace_s=0.05
    )
    took = time.monotonic() - started
    assert took < 0.8, took  # the slow GET alone takes 1.2 s
    assert report.voices[0].outcome is Outcome.PENDING
    assert report.exit_code == 130
    deadline = time.monotonic() + 5  # let the abandoned GET finish before the emulator closes
    while polls() == polls_before[0]:
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_a_409_whose_read_back_fails_is_unknown_not_failed(rig: Rig) -> None:
    rig.fault(method="POST", route=CLONES, status=409, times=1)
    client = _after_clone_post(
        rig, lambda: rig.fault(method="GET", route=CLONES, status=503, times=5)
    )
    report, _ = rig.execute([rig.declare("anna", 1)], client=client)
    voice = report.voices[0]
    assert voice.outcome is Outcome.UNKNOWN
    assert re.fullmatch(
        rf"alias taken \(409\) and the read back failed \({READ_BACK_FAILED}\); "
        r"the next run reads the alias back",
        voice.reason or "",
    ), voice.reason
    assert len(rig.posts()) == 1


def test_a_lost_create_whose_read_back_fails_is_never_posted_again(rig: Rig) -> None:
    rig.fault(method="POST", route=CLONES, transport="commit_then_drop", times=1)
    client = _after_clone_post(
        rig, lambda: rig.fault(method="GET", route=CLONES, status=503, times=5)
    )
    writes = [rig.declare("anna", 1)]
    report, _ = rig.execute(writes, client=client)
    voice = report.voices[0]
    assert voice.outcome is Outcome.UNKNOWN
    assert re.fullmatch(
        r"create answer lost \(POST /speech/voice-cloning: connection reset\) and the read "
        r"back failed \(GET /speech/voice-cloning\?alias=anna HTTP 503: Service Unavailable "
        r"\(gave up after 5 attempts\) \(request id [0-9a-f-]+…\); the next run reads the "
        r"alias back",
        voice.reason or "",
    ), voice.reason
    assert len(rig.posts()) == 1
    again, _ = rig.execute(writes)  # the next run reads it back and adopts it
    assert again.voices[0].outcome is Outcome.ADOPTED
    assert len(rig.posts()) == 1
    one_record_per_alias(rig, ["anna"])
