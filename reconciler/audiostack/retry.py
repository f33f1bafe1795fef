"""When to try an HTTP call again: full-jitter backoff, Retry-After, the per-run wait budget.
The shared 429 cooldown and its adaptive (AIMD) concurrency limit live in cooldown.py.

No httpx and no I/O except the injected `sleep`: the client turns each attempt into
(error, payload, Retry-After); `Pacer.run` decides whether, and how long, to wait.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from reconciler.audiostack.cooldown import Cooldown
from reconciler.model.errors import ApiError, RateLimitedError

__all__ = [
    "AttemptResult",
    "Clock",
    "Cooldown",
    "Pacer",
    "Random",
    "RetryPolicy",
    "Sleep",
    "WaitBudget",
    "compute_backoff",
    "parse_retry_after",
]

Sleep = Callable[[float], None]
Clock = Callable[[], float]
Random = Callable[[], float]  # uniform in [0, 1), like random.random
AttemptResult = tuple[ApiError | None, Any, float | None]  # (error, payload, Retry-After seconds)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Knobs for retrying idempotent calls (libraries.md §4)."""

    max_attempts: int = 5
    base_s: float = 0.5
    cap_s: float = 30.0
    budget_s: float = 300.0  # total time one run may spend waiting for retries
    max_concurrency: int = 16  # the ceiling (`--concurrency`); never more in flight
    start_concurrency: int = 8  # the limit a run starts with (at most the ceiling)
    slow_factor: float = 3.0  # an answer slower than this × the fastest one does not count


def compute_backoff(attempt: int, policy: RetryPolicy, rand: Random = random.random) -> float:
    """Full jitter: uniform in [0, min(cap, base × 2^attempt)]; attempt 0 is the first retry."""
    ceiling = min(policy.cap_s, policy.base_s * (2.0 ** min(attempt, 62)))
    return rand() * ceiling


def parse_retry_after(value: str | None, now_epoch: float) -> float | None:
    """`Retry-After` as delta-seconds or an HTTP-date → seconds to wait (≥ 0), else None."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # RFC 9110 dates are GMT; a naive parse means "-0000"
        return None
    return max(0.0, moment.timestamp() - now_epoch)


class WaitBudget:
    """Total seconds one run may spend sleeping before retries, shared by every thread.

    Sleeps of parallel workers are summed, so the cap is conservative, never exceeded.
    """

    def __init__(self, total_s: float) -> None:
        self._total = total_s
        self._spent = 0.0
        self._lock = threading.Lock()

    @property
    def remaining_s(self) -> float:
        with self._lock:
            return max(0.0, self._total - self._spent)

    def reserve(self, seconds: float) -> bool:
        """Take `seconds` from the budget if that much is left; False (nothing taken) if not."""
        with self._lock:
            if self._spent + seconds > self._total:
                return False
            self._spent += seconds
            return True


class Pacer:
    """One run's retry timing: policy + budget + cooldown + injected sleep/clock/random."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        *,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
        rand: Random = random.random,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.budget = WaitBudget(self.policy.budget_s)
        self.cooldown = Cooldown(self.policy, clock=clock)
        self._clock = clock
        self._sleep = sleep
        self._rand = rand

    def backoff(self, attempt: int) -> float:
        return compute_backoff(attempt, self.policy, self._rand)

    def try_sleep(self, seconds: float) -> bool:
        """Sleep `seconds` if the budget allows; False (no sleep) when it does not."""
        if seconds <= 0:
            return True
        if not self.budget.reserve(seconds):
            return False
        self._sleep(seconds)
        return True

    def await_cooldown(self) -> float | None:
        """Wait out the shared 429 block. Returns None when done, or the wait that the
        budget could not cover (the caller turns it into an error)."""
        waited_for: float | None = None
        while self.cooldown.wait_needed() > 0:
            self.cooldown.drain()
            wait = self.cooldown.wait_needed()
            target = self.cooldown.not_before
            if target == waited_for:  # already slept for this block; trust the sleep
                return None
            if not self.try_sleep(wait):
                return wait
            waited_for = target
        return None

    def run(
        self,
        attempt: Callable[[], AttemptResult],
        *,
        retry: bool,
        method: str,
        path: str,
        pace: bool = False,
    ) -> Any:
        """Call `attempt` until it succeeds; retry only when `retry` and the error is
        transient, at most `max_attempts` times, within the wait budget. A 429 with a
        Retry-After is pacing, not failure: up to `2 × max_attempts` of them do not count
        (with many requests in flight one request may meet several blocks in a row).
        `pace`: a call not retried otherwise (a POST whose duplicate is harmless) is still
        sent again after such a 429, which the server refused without processing it."""
        tries = paced = 0
        while True:
            seen_block = self.cooldown.not_before
            self._check_cooldown(method, path)
            with self.cooldown.request(seen_block) as clear:
                if not clear:
                    continue
                tries += 1
                started, epoch = self._clock(), self.cooldown.epoch
                error, payload, wait = attempt()
                if error is None:
                    self.cooldown.record_success(self._clock() - started, epoch)
                    return payload
                if isinstance(error, RateLimitedError):  # before the slot is free again
                    self.cooldown.record_rate_limited(
                        wait if wait is not None else self.backoff(tries - 1)
                    )
                elif error.transient:  # 5xx, timeout, reset: the server is struggling
                    self.cooldown.record_overloaded()
            limited = isinstance(error, RateLimitedError) and wait is not None
            if limited and (retry or pace) and paced < 2 * self.policy.max_attempts:
                paced += 1
                tries -= 1
                continue  # `_check_cooldown` at the top of the loop does the waiting
            if not (retry and error.transient):
                raise error
            if tries >= self.policy.max_attempts:
                if tries + paced == 1:
                    raise error
                raise _with_note(error, f"(gave up after {tries + paced} attempts)") from error
            if isinstance(error, RateLimitedError):
                continue  # `_check_cooldown` at the top of the loop does the waiting
            delay = wait if wait is not None else self.backoff(tries - 1)
            if not self.try_sleep(delay):
                note = f"(a retry needs {delay:.1f} s; the run's wait budget has less left)"
                raise _with_note(error, note) from error

    def _check_cooldown(self, method: str, path: str) -> None:
        short = self.await_cooldown()
        if short is not None:
            message = (
                f"rate limited: the server asked to wait {short:.0f} s, more than the "
                f"{self.budget.remaining_s:.0f} s left of this run's retry budget"
            )
            raise RateLimitedError(message, retry_after=short, status=429, method=method, path=path)


def _with_note(error: ApiError, note: str) -> ApiError:
    """The same error (class, status, request id) with a note appended to its message."""
    meta: dict[str, Any] = {
        "status": error.status,
        "request_id": error.request_id,
        "method": error.method,
        "path": error.path,
    }
    message = f"{error.server_message} {note}"
    if isinstance(error, RateLimitedError):
        return RateLimitedError(message, retry_after=error.retry_after, **meta)
    return type(error)(message, **meta)
