"""Bounded concurrency (≤ 4 requests in flight, ≤ 2 after a 429: a request gate, and the block
is waited out only once the excess requests landed) and two executes racing on overlapping
voices: each clone exists once and is charged once."""

from __future__ import annotations

import threading

from reconciler.apply.report import ApplyReport, Outcome
from tests.apply.conftest import Rig, one_record_per_alias, plan_writes


def test_requests_in_flight_never_exceed_four(rig: Rig) -> None:
    rig.fault(delay_s=0.004)  # every request takes a little real time, so they overlap
    aliases = [f"voice-{n:02d}" for n in range(12)]
    report, _ = rig.execute([rig.declare(a, 1) for a in aliases], concurrency=8)
    assert report.exit_code == 0
    in_flight = [r["inFlight"] for r in rig.requests()]
    assert max(in_flight) == 4


def test_a_429_halves_the_requests_in_flight(rig: Rig) -> None:
    rig.sync_emulator_clock()
    rig.fault(method="POST", route="/speech/voice-cloning", status=429, retry_after=1, times=1)
    rig.fault(delay_s=0.004)  # the first matching rule fires: the 429 rule comes first
    aliases = [f"voice-{n:02d}" for n in range(12)]
    report, _ = rig.execute([rig.declare(a, 1) for a in aliases])
    assert report.exit_code == 0
    log = rig.requests()
    (hit,) = [r for r in log if r["status"] == 429]
    before = [r["inFlight"] for r in log if r["time"] < hit["time"]]
    # requests started after the Retry-After; 20 successes later a slot comes back
    after = [r["inFlight"] for r in log if r["time"] >= hit["time"] + 1][:15]
    assert max(before) == 4
    assert len(after) == 15 and max(after) <= 2
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
