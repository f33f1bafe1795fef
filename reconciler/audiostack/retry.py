"""When to try an HTTP call again: full-jitter backoff, Retry-After, the per-run wait budget,
and the shared 429 cooldown with its concurrency limiter.

No httpx and no I/O except the injected `sleep`: the client turns each attempt into
(error, payload, Retry-After); `Pacer.run` decides whether, and how long, to wait.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from reconciler.model.errors import ApiError, RateLimitedError

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
    max_concurrency: int = 4
    restore_after: int = 20  # consecutive successes that give back one slot


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


class Cooldown:
    """Shared reaction to 429: nobody starts a request before `not_before`, and the number
    of concurrent voices (`slot()`) and of requests on the wire (`request()`) halves,
    4 → 2 → 1; `restore_after` consecutive successes give back one slot.
    """

    def __init__(
        self, policy: RetryPolicy = RetryPolicy(), *, clock: Clock = time.monotonic
    ) -> None:
        self._max = max(1, policy.max_concurrency)
        self._restore_after = policy.restore_after
        self._clock = clock
        self._limit = self._max
        self._in_flight = 0
        self._requests = 0
        self._streak = 0
        self._not_before = 0.0
        self._cond = threading.Condition()

    @property
    def limit(self) -> int:
        with self._cond:
            return self._limit

    @property
    def in_flight(self) -> int:
        with self._cond:
            return self._in_flight

    @property
    def not_before(self) -> float:
        with self._cond:
            return self._not_before

    def wait_needed(self) -> float:
        """Seconds until new requests may start (0 when they may start now)."""
        with self._cond:
            return max(0.0, self._not_before - self._clock())

    def record_rate_limited(self, delay_s: float) -> None:
        """A 429 arrived: block everyone for `delay_s`; halve the limit once per block."""
        with self._cond:
            now = self._clock()
            if now >= self._not_before:  # a new signal, not an echo of the current block
                self._limit = max(1, self._limit // 2)
            self._not_before = max(self._not_before, now + delay_s)
            self._streak = 0

    def record_success(self) -> None:
        with self._cond:
            self._streak += 1
            if self._streak >= self._restore_after and self._limit < self._max:
                self._limit += 1
                self._streak = 0
                self._cond.notify_all()

    def drain(self) -> None:
        """Wait until the requests already on the wire are below the current limit: a
        429 block is waited out only after the excess has landed, so nothing sent before the
        429 is still in flight when the block ends."""
        with self._cond:
            while self._requests >= self._limit:
                self._cond.wait()

    @contextmanager
    def request(self, seen_block: float) -> Iterator[bool]:
        """Hold one of the `limit` request slots; yields False when a new 429 block (later
        than `seen_block`) began while this request waited: the caller waits it out and
        asks again. A call that held its voice slot before a 429 halved the limit therefore
        still sends under the new limit."""
        with self._cond:
            while self._requests >= self._limit:
                self._cond.wait()
            self._requests += 1
            clear = self._not_before <= seen_block or self._clock() >= self._not_before
        try:
            yield clear
        finally:
            with self._cond:
                self._requests -= 1
                self._cond.notify_all()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one of the `limit` concurrent slots (apply wraps each voice in this)."""
        with self._cond:
            while self._in_flight >= self._limit:
                self._cond.wait()
            self._in_flight += 1
        try:
            yield
        finally:
            with self._cond:
                self._in_flight -= 1
                self._cond.notify_all()


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
        self, attempt: Callable[[], AttemptResult], *, retry: bool, method: str, path: str
    ) -> Any:
        """Call `attempt` until it succeeds; retry only when `retry` and the error is
        transient, at most `max_attempts` times, within the wait budget."""
        tries = 0
        while True:
            seen_block = self.cooldown.not_before
            self._check_cooldown(method, path)
            with self.cooldown.request(seen_block) as clear:
                if not clear:
                    continue
                tries += 1
                error, payload, wait = attempt()
                if error is None:
                    self.cooldown.record_success()
                    return payload
                if isinstance(error, RateLimitedError):  # before the slot is free again
                    self.cooldown.record_rate_limited(
                        wait if wait is not None else self.backoff(tries - 1)
                    )
            if not (retry and error.transient):
                raise error
            if tries >= self.policy.max_attempts:
                if tries == 1:
                    raise error
                raise _with_note(error, f"(gave up after {tries} attempts)") from error
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
