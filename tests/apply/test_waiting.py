"""The one polling loop: server-side failures, discarded files, strict_files, pending clones
when the wait ends, heartbeats, and poll errors that never fail a voice."""

from __future__ import annotations

from dataclasses import replace

from reconciler.apply.events import (
    Heartbeat,
    Retrying,
    StatusChanged,
    VoiceFailed,
    VoicePending,
    WaitStarted,
)
from reconciler.apply.report import Outcome
from tests.support.applyrig import Rig, one_record_per_alias, plan_writes

CLONES = "/speech/voice-cloning"


def test_a_clone_failing_server_side_is_named_and_a_rerun_only_retries_it(rig: Rig) -> None:
    rig.clock_mode("manual")
    steps: list[float] = []

    def finish_clones(seconds: float) -> None:  # the first poll interval: the server decides
        steps.append(seconds)
        if len(steps) == 1:
            rig.post("/advance", {"alias": "bob", "to": "failed", "failReason": "noisy audio"})
            for alias in ("anna", "carl"):
                rig.post("/advance", {"alias": alias, "to": "succeeded"})

    rig.clock.also = finish_clones
    writes = [rig.declare(a) for a in ("anna", "bob", "carl")]
    report, sink = rig.execute(writes)
    assert [(v.alias, v.outcome, v.reason) for v in report.voices] == [
        ("anna", Outcome.SUCCEEDED, None),
        ("bob", Outcome.FAILED, "noisy audio"),
        ("carl", Outcome.SUCCEEDED, None),
    ]
    assert report.exit_code == 5 and report.credits_spent == 600
    failed = [e for e in sink.events if isinstance(e, VoiceFailed)]
    assert [(e.alias, e.reason) for e in failed] == [("bob", "noisy audio")]
    # a re-run creates bob again (a failed record frees the alias) and nobody else
    rig.clock.also = None
    rig.clock_mode("immediate")
    rig.clear_requests()
    again, _ = rig.execute(writes)
    assert [v.outcome for v in again.voices] == [
        Outcome.ADOPTED,
        Outcome.SUCCEEDED,
        Outcome.ADOPTED,
    ]
    assert [r["status"] for r in rig.posts()] == [202]
    assert again.uploads.uploaded == 0
    assert plan_writes(rig, writes) == []


def test_discarded_files_are_mapped_back_to_repo_paths(rig: Rig) -> None:
    short = rig.wav("voices/anna/short.wav", seconds=1.0)
    writes = [rig.declare("anna", 2, extra=(short,)), rig.declare("bob")]
    report, _ = rig.execute(writes)
    anna = report.voices[0]
    assert anna.outcome is Outcome.SUCCEEDED
    assert [(d.path, d.reason) for d in anna.discarded] == [
        ("voices/anna/short.wav", "too short: 1.0 s < 1.5 s")
    ]
    assert report.exit_code == 0


def test_strict_files_turns_a_discard_into_a_failure(rig: Rig) -> None:
    short = rig.wav("voices/anna/short.wav", seconds=1.0)
    anna = replace(rig.declare("anna", 2, extra=(short,)), strict_files=True)
    report, _ = rig.execute([anna, rig.declare("bob")])
    voice = report.voices[0]
    assert (voice.outcome, voice.reason) == (
        Outcome.FAILED,
        "strict_files: the server discarded 1 file(s)",
    )
    assert report.voices[1].outcome is Outcome.SUCCEEDED
    assert report.exit_code == 5


def test_a_clone_without_enough_audio_fails_with_the_servers_reason(rig: Rig) -> None:
    short = rig.wav("voices/anna/short.wav", seconds=1.0)
    anna = replace(rig.declare("anna", 0), files=(short,))
    report, _ = rig.execute([anna])
    voice = report.voices[0]
    assert voice.outcome is Outcome.FAILED
    assert voice.reason is not None and voice.reason.startswith("not enough audio")
    assert [d.path for d in voice.discarded] == ["voices/anna/short.wav"]


def test_clones_still_running_at_the_timeout_are_pending_not_failed(rig: Rig) -> None:
    rig.clock_mode("manual")
    writes = [rig.declare("anna"), rig.declare("bob")]
    report, sink = rig.execute(writes, wait_timeout_s=100, poll_interval_s=5)
    assert {v.outcome for v in report.voices} == {Outcome.PENDING}
    assert report.exit_code == 0 and report.credits_spent == 0
    kinds = [type(e) for e in sink.events]
    assert kinds.count(WaitStarted) == 1 and kinds.count(VoicePending) == 2
    beats = [e for e in sink.events if isinstance(e, Heartbeat)]
    assert [b.elapsed_s for b in beats] == [30, 60, 90]
    assert beats[0].entries == (("anna", "preparing"), ("bob", "preparing"))
    assert max(rig.clock.sleeps) <= 5
    # later the clones finish; the next run adopts them without a second POST
    for alias in ("anna", "bob"):
        rig.post("/advance", {"alias": alias, "to": "succeeded"})
    rig.clock_mode("immediate")
    again, _ = rig.execute(writes)
    assert {v.outcome for v in again.voices} == {Outcome.ADOPTED}
    assert len(rig.posts()) == 2
    one_record_per_alias(rig, ["anna", "bob"])
    assert plan_writes(rig, writes) == []


def test_status_changes_are_reported_with_elapsed_time(rig: Rig) -> None:
    rig.clock_mode("manual")
    rig.clock.also = lambda s: rig.post("/advance", {"alias": "anna"})
    report, sink = rig.execute([rig.declare("anna")], poll_interval_s=10)
    changes = [(e.status, e.elapsed_s) for e in sink.events if isinstance(e, StatusChanged)]
    assert changes == [("in_progress", 10), ("succeeded", 20)]
    assert report.voices[0].outcome is Outcome.SUCCEEDED


def test_poll_errors_do_not_fail_a_voice(rig: Rig) -> None:
    rig.clock_mode("manual")
    armed: list[bool] = []

    def break_polling(seconds: float) -> None:  # first poll interval: 6 resets in a row
        if not armed:
            armed.append(True)
            rig.fault(method="GET", route=CLONES, transport="reset", times=6)
            rig.post("/advance", {"alias": "anna", "to": "succeeded"})

    rig.clock.also = break_polling
    report, sink = rig.execute([rig.declare("anna")], poll_interval_s=1)
    assert report.voices[0].outcome is Outcome.SUCCEEDED
    assert len(rig.posts()) == 1
    polls = [e for e in sink.events if isinstance(e, Retrying) and e.step == "poll"]
    assert len(polls) == 1
    assert polls[0].reason.startswith("GET /speech/voice-cloning?alias=anna: ")


def test_a_dead_api_ends_the_wait_and_names_the_voices_still_pending(rig: Rig) -> None:
    rig.clock_mode("manual")
    armed: list[bool] = []

    def kill_api(seconds: float) -> None:  # after the creates, every poll gets a 503
        if not armed:
            armed.append(True)
            rig.fault(method="GET", route=CLONES, status=503)

    rig.clock.also = kill_api
    start = rig.clock()
    report, sink = rig.execute(
        [rig.declare("anna"), rig.declare("bob")], wait_timeout_s=600, poll_interval_s=5
    )
    waited = rig.clock() - start
    assert 120 <= waited < 160  # not the full 600 s --wait-timeout
    assert [(v.alias, v.outcome) for v in report.voices] == [
        ("anna", Outcome.PENDING),
        ("bob", Outcome.PENDING),
    ]
    assert report.stopped_reason is not None
    assert report.stopped_reason.startswith("the API gave no good answer for 1")
    assert report.stopped_reason.endswith(" s while waiting; 2 voice(s) still pending: anna, bob")
    assert len(rig.posts()) == 2
    assert sum(isinstance(e, VoicePending) for e in sink.events) == 2


def test_the_dead_api_limit_is_configurable_and_good_answers_reset_it(rig: Rig) -> None:
    rig.clock_mode("manual")
    intervals: list[float] = []

    def flap(seconds: float) -> None:  # poll intervals alternate: API down, API up
        if seconds == 5:
            intervals.append(seconds)
            if len(intervals) % 2:
                rig.fault(method="GET", route=CLONES, status=503)
            else:
                rig.faults_clear()

    rig.clock.also = flap
    report, _ = rig.execute(
        [rig.declare("anna")], wait_timeout_s=120, poll_interval_s=5, dead_api_s=45
    )
    # every other poll answers: the API is slow, not dead; the wait runs to its timeout
    assert report.voices[0].outcome is Outcome.PENDING
    assert report.stopped_reason is None
    assert len(intervals) > 10
    # the same run with a shorter limit gives up
    rig.faults_clear()
    rig.clock.also = lambda s: rig.fault(method="GET", route=CLONES, status=503)
    start = rig.clock()
    short, _ = rig.execute([rig.declare("bob")], wait_timeout_s=600, dead_api_s=20)
    assert rig.clock() - start < 60
    assert (short.stopped_reason or "").endswith("1 voice(s) still pending: bob")
