"""Adaptive concurrency (AIMD: starts at 8, grows while answers are clean up to the
ceiling, halves on a 429) and two executes racing on overlapping voices: each clone
exists once and is charged once."""

from __future__ import annotations

import threading
import time

from reconciler.apply.report import ApplyReport, Outcome
from reconciler.audiostack.retry import RetryPolicy
from tests.support.applyrig import Rig, one_record_per_alias, plan_writes


def test_requests_in_flight_grow_from_eight_to_the_ceiling_and_never_past_it(rig: Rig) -> None:
    rig.fault(delay_s=0.004)  # every request takes a little real time, so they overlap
    aliases = [f"voice-{n:02d}" for n in range(30)]
    client = rig.client(retry=RetryPolicy(budget_s=600, max_concurrency=12))
    report, _ = rig.execute([rig.declare(a, 1) for a in aliases], client=client, concurrency=12)
    assert report.exit_code == 0
    in_flight = [r["inFlight"] for r in rig.requests()]
    assert max(in_flight[:8]) <= 8  # the start: 8
    assert max(in_flight) == 12
    assert client.cooldown.limit == 12


def test_a_429_halves_the_requests_in_flight_and_clean_answers_restore_them(rig: Rig) -> None:
    rig.fault(method="POST", route="/speech/voice-cloning", status=429, retry_after=1, times=1)
    rig.fault(delay_s=0.004)  # the first matching rule fires: the 429 rule comes first
    aliases = [f"voice-{n:02d}" for n in range(30)]
    # real time: the requests in flight when the 429 came finish during the 1 s block
    client = rig.client(
        retry=RetryPolicy(budget_s=600, max_concurrency=8), sleep=time.sleep, clock=time.monotonic
    )
    report, _ = rig.execute([rig.declare(a, 1) for a in aliases], client=client, concurrency=8)
    assert report.exit_code == 0
    log = rig.requests()
    (hit,) = [r for r in log if r["status"] == 429]
    before = [r["inFlight"] for r in log if r["time"] < hit["time"]]
    after = [r["inFlight"] for r in log if r["time"] >= hit["time"] + 1]
    assert 4 < max(before) <= 8
    assert max(after[:4]) <= 4  # halved: 8 → 4
    assert max(after) > 4 and client.cooldown.limit == 8  # grown back, one per window
    one_record_per_alias(rig, aliases)


def test_two_executes_racing_on_overlapping_voices_create_each_clone_once(rig: Rig) -> None:
    rig.fault(delay_s=0.002)
    shared = [rig.declare(f"shared-{n}", 1) for n in range(4)]
    first = [*shared, rig.declare("only-first", 1)]
    second = [*shared, rig.declare("only-second", 1)]
    reports: list[ApplyReport] = []
    start = threading.Barrier(2)

    def run(writes: list) -> None:  # type: ignore[type-arg]
        start.wait()
        reports.append(rig.execute(writes)[0])

    threads = [threading.Thread(target=run, args=(w,)) for w in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.exit_code for r in reports] == [0, 0]
    aliases = [d.alias for d in shared] + ["only-first", "only-second"]
    one_record_per_alias(rig, aliases)
    assert rig.balance() == 10_000 - 300 * len(aliases)
    assert plan_writes(rig, [*first, second[-1]]) == []
    for alias in (d.alias for d in shared):
        outcomes = sorted(r.result(alias).outcome for r in reports)  # type: ignore[union-attr]
        assert outcomes == sorted([Outcome.SUCCEEDED, Outcome.ADOPTED])
    # a third run finds everything: only reads, no create
    rig.clear_requests()
    third, _ = rig.execute(first + second[-1:])
    assert {v.outcome for v in third.voices} == {Outcome.ADOPTED}
    assert not [
        r for r in rig.requests() if r["route"] == "/speech/voice-cloning" and r["method"] == "POST"
    ]
