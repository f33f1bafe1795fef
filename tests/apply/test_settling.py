"""A clone's outcome is shown the moment the wait sees it finish: an instant voice done
after seconds is not `in_progress` for the hours a standard voice next to it takes, and
its journal line is on disk while the other one still runs."""

from __future__ import annotations

import json

from reconciler.apply.events import (
    FanoutSink,
    Heartbeat,
    RecordingSink,
    VoicePending,
    VoiceSucceeded,
)
from reconciler.apply.journal import JournalSink
from reconciler.apply.report import Outcome
from tests.support.applyrig import Rig


def test_a_finished_clone_is_settled_and_journaled_while_another_still_runs(rig: Rig) -> None:
    rig.clock_mode("manual")
    journal_path = rig.root / "journal.jsonl"
    seen_in_journal: list[list[str]] = []
    steps: list[float] = []

    def server_side(seconds: float) -> None:
        steps.append(seconds)
        if len(steps) == 1:  # the first poll interval: the instant voice is done
            rig.post("/advance", {"alias": "quick", "to": "succeeded"})
        elif len(steps) == 40:  # long after: what has the journal recorded by now?
            lines = journal_path.read_text(encoding="utf-8").splitlines()
            seen_in_journal.append(
                [
                    f"{e['alias']} {e['result']}"
                    for e in map(json.loads, lines)
                    if e["action"] == "wait"
                ]
            )

    rig.clock.also = server_side
    sink = RecordingSink()
    with JournalSink.open(journal_path, actor="", commit="", plan_checksum="") as journal:
        report, _ = rig.execute(
            [rig.declare("quick"), rig.declare("slow")],
            events=FanoutSink((sink, journal)),
            wait_timeout_s=100.0,
        )
    assert [(v.alias, v.outcome) for v in report.voices] == [
        ("quick", Outcome.SUCCEEDED),
        ("slow", Outcome.PENDING),
    ]
    assert seen_in_journal == [["quick succeeded"]]
    kinds = [
        (type(e).__name__, getattr(e, "alias", None))
        for e in sink.events
        if isinstance(e, (VoiceSucceeded, VoicePending, Heartbeat))
    ]
    # quick's success comes before the heartbeats that still wait for slow alone
    assert kinds[0] == ("VoiceSucceeded", "quick")
    assert kinds[-1] == ("VoicePending", "slow")
    beats = [e for e in sink.events if isinstance(e, Heartbeat)]
    assert beats and all([a for a, _ in e.entries] == ["slow"] for e in beats)
    assert len([e for e in sink.events if isinstance(e, VoiceSucceeded)]) == 1  # shown once
