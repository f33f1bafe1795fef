"""Review of what apply shows and keeps: a failing progress/journal sink never turns a
created voice into a failure nor starves the journal, heartbeats keep coming while a poll
round is slowed by retries, and `--report` into a missing folder is refused before any
credit is spent."""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

from reconciler.apply.events import (
    FanoutSink,
    Heartbeat,
    NotAttempted,
    RecordingSink,
    StatusChanged,
    Submitted,
    WaitStarted,
)
from reconciler.apply.report import Outcome
from reconciler.audiostack.client import AudioStackClient
from reconciler.audiostack.retry import RetryPolicy
from reconciler.model.values import Alias
from tests.support.applyrig import KEY, Rig, one_record_per_alias
from tests.support.clirig import make_repo

CLONES = "/speech/voice-cloning"
FULL_DISK = "progress or journal output failed: OSError: [Errno 28] No space left on device"


class _FullDiskAfterSubmit(RecordingSink):
    def emit(self, event: Any) -> None:
        super().emit(event)
        if isinstance(event, Submitted):
            raise OSError(28, "No space left on device")


def test_a_failing_sink_keeps_a_created_voice_and_stops_new_ones(rig: Rig) -> None:
    writes = [rig.declare("anna", 1), rig.declare("bob", 1)]
    report, _ = rig.execute(writes, events=_FullDiskAfterSubmit(), concurrency=1)
    anna, bob = report.voices
    assert (anna.outcome, anna.credits) == (Outcome.SUCCEEDED, 300)
    assert (bob.outcome, bob.reason) == (Outcome.NOT_ATTEMPTED, FULL_DISK)
    assert report.stopped_reason == FULL_DISK
    assert len(rig.posts()) == 1
    one_record_per_alias(rig, ["anna"])


def test_fanout_feeds_the_journal_even_when_the_display_fails() -> None:
    class BrokenPipe(RecordingSink):
        def emit(self, event: Any) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    journal = RecordingSink()
    event = NotAttempted(Alias("anna"), "interrupted before the create")
    try:
        FanoutSink((BrokenPipe(), journal)).emit(event)
    except BrokenPipeError:
        pass
    else:
        raise AssertionError("the display's error was swallowed")
    assert journal.events == (event,)


def test_heartbeats_keep_coming_while_a_poll_round_is_slowed_by_retries(rig: Rig) -> None:
    rig.clock_mode("manual")
    spoke = threading.Event()
    start: list[float] = []

    class Sink(RecordingSink):
        def emit(self, event: Any) -> None:
            super().emit(event)
            if isinstance(event, WaitStarted):
                start.append(rig.clock())
                rig.post("/advance", {"alias": "anna", "to": "succeeded"})
                rig.fault(method="GET", route=CLONES, status=503, retry_after=15, times=4)
            if isinstance(event, Heartbeat):
                spoke.set()

    def client_sleep(seconds: float) -> None:  # 4 retries × 15 s inside one poll GET
        rig.clock.sleep(seconds)
        if start and rig.clock() - start[0] >= 30:
            spoke.wait(2.0)  # the round is still running: someone must say so

    client = AudioStackClient(
        rig.transport.base_url,
        KEY,
        transport=rig.transport,
        sleep=client_sleep,
        clock=rig.clock,
        rand=random.Random(7).random,
        retry=RetryPolicy(budget_s=600),
    )
    rig.clients.append(client)
    sink = Sink()
    report, _ = rig.execute([rig.declare("anna", 1)], client=client, events=sink)
    assert report.voices[0].outcome is Outcome.SUCCEEDED
    kinds = [type(e) for e in sink.events]
    beats = [e for e in sink.events if isinstance(e, Heartbeat)]
    assert beats and kinds.index(Heartbeat) < kinds.index(StatusChanged)
    assert beats[0].entries == (("anna", "preparing"),) and beats[0].elapsed_s == 30


def test_a_report_into_a_missing_folder_is_refused_before_any_write(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", owner="acme")
    repo.voice("anna")
    outcome = repo.run("apply", "--yes", "--report", "missing/report.json")
    assert outcome.code == 1
    assert "error: --report: folder missing does not exist" in outcome.err
    assert not (repo.root / ".voicectl" / "emulator.sqlite3").exists()  # never opened
