"""retry.py on its own: backoff bounds, Retry-After forms, the wait budget, the cooldown."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import pytest

from reconciler.audiostack.retry import (
    Cooldown,
    Pacer,
    RetryPolicy,
    WaitBudget,
    compute_backoff,
    parse_retry_after,
)
from reconciler.model.errors import RateLimitedError, ServerError

if TYPE_CHECKING:
    from tests.support.clientrig import FakeClock

NOW = 1_700_000_000.0  # 2023-11-14T22:13:20Z


def test_backoff_is_full_jitter_under_the_doubling_ceiling() -> None:
    policy = RetryPolicy()
    assert [compute_backoff(a, policy, lambda: 0.999999) for a in range(8)] == pytest.approx(
        [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0], rel=1e-5
    )
    assert compute_backoff(3, policy, lambda: 0.0) == 0.0
    assert compute_backoff(10_000, policy, lambda: 0.5) == 15.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("Tue, 14 Nov 2023 22:13:25 GMT", 5.0),
        ("Tue, 14 Nov 2023 22:13:00 GMT", 0.0),  # in the past: go now
        ("soon", None),
        ("-5", None),
        ("1.5", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after_reads_seconds_and_http_dates(
    value: str | None, expected: float | None
) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_wait_budget_refuses_what_it_cannot_cover_without_spending() -> None:
    budget = WaitBudget(10)
    assert budget.reserve(6)
    assert not budget.reserve(5)
    assert budget.remaining_s == 4
    assert budget.reserve(4)
    assert budget.remaining_s == 0


def test_cooldown_starts_at_8_and_grows_by_one_per_clean_window_up_to_the_ceiling(
    clock: FakeClock,
) -> None:
    cooldown = Cooldown(RetryPolicy(max_concurrency=10), clock=clock)
    assert (cooldown.limit, cooldown.ceiling) == (8, 10)
    for _ in range(7):
        cooldown.record_success(0.1)
    assert cooldown.limit == 8
    cooldown.record_success(0.1)  # a full window of 8 fast, clean answers
    assert cooldown.limit == 9
    for _ in range(9 + 10 + 10):
        cooldown.record_success(0.1)
    assert cooldown.limit == 10  # never above the ceiling
    assert Cooldown(RetryPolicy(max_concurrency=3)).limit == 3  # the start is at most it


def test_slow_answers_do_not_grow_the_limit(clock: FakeClock) -> None:
    cooldown = Cooldown(RetryPolicy(), clock=clock)
    cooldown.record_success(0.1)  # the fastest answer so far
    for _ in range(20):
        cooldown.record_success(0.1)
        cooldown.record_success(0.6)  # more than 3 × 0.1 s + 50 ms: breaks the streak
    assert cooldown.limit == 8


def test_cooldown_halves_once_per_429_block_and_once_per_window_of_5xx(clock: FakeClock) -> None:
    cooldown = Cooldown(RetryPolicy(), clock=clock)
    cooldown.record_rate_limited(2)
    cooldown.record_rate_limited(2)  # an echo inside the same block: no second halving
    assert (cooldown.limit, cooldown.wait_needed()) == (4, 2)
    clock.now += 2
    cooldown.record_rate_limited(1)
    assert cooldown.limit == 2
    for _ in range(2):
        cooldown.record_success(0.1)
    assert cooldown.limit == 3
    cooldown.record_overloaded()  # a 5xx 2 answers after the cut: an echo of that signal
    assert cooldown.limit == 3
    cooldown.record_success(0.1)
    cooldown.record_overloaded()  # a full window (3 answers) since the cut
    assert cooldown.limit == 1
    cooldown.record_overloaded()  # the same burst
    assert cooldown.limit == 1  # never below one
    for _ in range(1 + 2 + 3 + 4):
        cooldown.record_success(0.1)
    assert cooldown.limit == 5
    cooldown.record_overloaded()
    cooldown.record_overloaded()  # an echo: fewer than 2 answers since the cut
    assert cooldown.limit == 2


def test_cooldown_slots_bound_concurrency() -> None:
    cooldown = Cooldown(RetryPolicy(max_concurrency=4))
    cooldown.record_rate_limited(0)  # 4 → 2
    peak = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal peak
        with cooldown.slot():
            with lock:
                peak = max(peak, cooldown.in_flight)
            time.sleep(0.01)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 2
    assert cooldown.in_flight == 0


def _outcomes(*items: object) -> object:
    answers = list(items)

    def attempt() -> object:
        return answers.pop(0)

    return attempt


def test_pacer_retries_transient_errors_with_jittered_sleeps(clock: FakeClock) -> None:
    pacer = Pacer(RetryPolicy(), sleep=clock.sleep, clock=clock, rand=lambda: 1.0)
    boom = ServerError("down", status=503)
    attempt = _outcomes((boom, None, None), (boom, None, None), (None, {"ok": 1}, None))
    assert pacer.run(attempt, retry=True, method="GET", path="/x") == {"ok": 1}  # type: ignore[arg-type]
    assert clock.sleeps == [0.5, 1.0]
    assert pacer.budget.remaining_s == 298.5


def test_pacer_gives_up_after_five_attempts_with_a_note(clock: FakeClock) -> None:
    pacer = Pacer(RetryPolicy(), sleep=clock.sleep, clock=clock, rand=lambda: 0.0)
    attempt = _outcomes(
        *[(ServerError("down", status=503, method="GET", path="/x"), None, None)] * 5
    )
    with pytest.raises(ServerError) as caught:
        pacer.run(attempt, retry=True, method="GET", path="/x")  # type: ignore[arg-type]
    assert str(caught.value) == "GET /x HTTP 503: down (gave up after 5 attempts)"
    assert isinstance(caught.value.__cause__, ServerError)


def test_pacer_blocks_every_caller_until_the_retry_after_of_a_429(clock: FakeClock) -> None:
    pacer = Pacer(RetryPolicy(), sleep=clock.sleep, clock=clock)
    limited = RateLimitedError("slow down", status=429, retry_after=3)
    attempt = _outcomes((limited, None, 3.0), (None, "done", None), (None, "other", None))
    assert pacer.run(attempt, retry=True, method="GET", path="/x") == "done"  # type: ignore[arg-type]
    assert clock.sleeps == [3.0]
    assert pacer.cooldown.limit == 4  # 8 → 4
    clock.now -= 1  # another worker starting "before T" waits for the rest of the block
    assert pacer.run(attempt, retry=True, method="GET", path="/y") == "other"  # type: ignore[arg-type]
    assert clock.sleeps == [3.0, 1.0]


def test_pacer_stops_when_retry_after_exceeds_the_budget(clock: FakeClock) -> None:
    pacer = Pacer(RetryPolicy(budget_s=300), sleep=clock.sleep, clock=clock)
    limited = RateLimitedError("slow down", status=429, retry_after=86400)
    attempt = _outcomes((limited, None, 86400.0))
    with pytest.raises(RateLimitedError) as caught:
        pacer.run(attempt, retry=True, method="GET", path="/x")  # type: ignore[arg-type]
    assert str(caught.value) == (
        "GET /x HTTP 429: rate limited: the server asked to wait 86400 s, more than the "
        "300 s left of this run's retry budget"
    )
    assert clock.sleeps == []


def test_pacer_never_retries_when_the_caller_forbids_it(clock: FakeClock) -> None:
    pacer = Pacer(RetryPolicy(), sleep=clock.sleep, clock=clock)
    attempt = _outcomes((ServerError("down", status=500), None, None))
    with pytest.raises(ServerError):
        pacer.run(attempt, retry=False, method="POST", path="/x")  # type: ignore[arg-type]
    assert clock.sleeps == []


def test_a_request_that_took_its_voice_slot_before_a_429_still_waits_for_a_request_slot(
    clock: FakeClock,
) -> None:
    cooldown = Cooldown(RetryPolicy(max_concurrency=4), clock=clock)
    held = [cooldown.request(cooldown.not_before) for _ in range(2)]
    for gate in held:
        assert gate.__enter__() is True
    cooldown.record_rate_limited(1)  # 4 → 2 while two requests are on the wire
    sent = threading.Event()

    def third() -> None:
        with cooldown.request(cooldown.not_before):
            sent.set()

    thread = threading.Thread(target=third)
    thread.start()
    assert not sent.wait(0.05)  # two on the wire: the third may not start
    held.pop().__exit__(None, None, None)
    thread.join(5)
    assert sent.is_set()
    held.pop().__exit__(None, None, None)


def test_a_request_admitted_during_a_new_429_block_is_told_to_wait_it_out(
    clock: FakeClock,
) -> None:
    cooldown = Cooldown(RetryPolicy(max_concurrency=4), clock=clock)
    seen = cooldown.not_before
    cooldown.record_rate_limited(3)
    with cooldown.request(seen) as clear:
        assert clear is False
    clock.now += 3
    with cooldown.request(seen) as clear:
        assert clear is True


def test_a_429_block_is_waited_out_only_after_the_excess_requests_landed(
    clock: FakeClock,
) -> None:
    cooldown = Cooldown(RetryPolicy(max_concurrency=4), clock=clock)
    held = [cooldown.request(cooldown.not_before) for _ in range(3)]
    for gate in held:
        gate.__enter__()
    cooldown.record_rate_limited(1)  # limit 2, three still on the wire
    drained = threading.Event()

    def drain() -> None:
        cooldown.drain()
        drained.set()

    thread = threading.Thread(target=drain)
    thread.start()
    held.pop().__exit__(None, None, None)
    assert not drained.wait(0.05)  # two on the wire: still at the limit
    held.pop().__exit__(None, None, None)
    thread.join(5)
    assert drained.is_set()
    held.pop().__exit__(None, None, None)
