"""Adaptive concurrency (AIMD: starts at 8, grows while answers are clean up to the
ceiling, halves on a 429) and two executes racing on overlapping voices: each clone
exists once and is charged once."""

from __future__ import annotations

import threading

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
    """Deterministic: virtual time (the 1 s block is slept on the rig's clock, not waited
    for), and what is asserted is the limit the client applies, read after every answer,
    plus the server's count of requests in flight, which can never pass that limit."""
    rig.fault(method="POST", route="/speech/voice-cloning", status=429, retry_after=1, times=1)
    rig.fault(delay_s=0.004)  # the first matching rule fires: the 429 rule comes first
    aliases = [f"voice-{n:02d}" for n in range(30)]
    limits: list[int] = []
    client = rig.client(
        retry=RetryPolicy(budget_s=600, max_concurrency=8),
        on_request=lambda record: limits.append(client.cooldown.limit),
    )
    report, _ = rig.execute([rig.declare(a, 1) for a in aliases], client=client, concurrency=8)
    assert report.exit_code == 0
    steps = [limit for n, limit in enumerate(limits) if n == 0 or limits[n - 1] != limit]
    assert steps == [8, 4, 5, 6, 7, 8]  # halved once by the 429, grown back one per window
    assert client.cooldown.epoch == 1  # one cut: the only 429
    log = rig.requests()
    assert [r["status"] for r in log].count(429) == 1
    assert max(r["inFlight"] for r in log) <= 8  # never past the ceiling
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
