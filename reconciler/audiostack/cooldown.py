"""The requests in flight: the shared 429 cooldown and the adaptive (AIMD) limit.

Used by retry.Pacer (every attempt holds a `request()` slot) and by apply (each call
holds a `slot()`). No I/O.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reconciler.audiostack.retry import RetryPolicy

Clock = Callable[[], float]


class Cooldown:
    """Concurrent voices (`slot()`) and requests on the wire (`request()`), both under one
    AIMD limit: it starts at `start_concurrency`, grows by one after a full window (`limit`
    answers in a row) of fast, clean answers, up to `max_concurrency`, and halves on a 429
    (once per block: nobody starts a request before `not_before`) or a 5xx (once per
    window). Answers to requests sent before a cut do not count toward growth.
    """

    def __init__(self, policy: RetryPolicy, *, clock: Clock = time.monotonic) -> None:
        self._max = max(1, policy.max_concurrency)
        self._slow_factor = policy.slow_factor
        self._clock = clock
        self._limit = max(1, min(policy.start_concurrency, self._max))
        self._in_flight = 0
        self._requests = 0
        self._streak = 0  # fast, clean answers in a row at this limit
        self._since_cut = self._max  # answers since the limit last shrank (none yet)
        self._fastest: float | None = None
        self._cuts = 0  # how often the limit shrank
        self._not_before = 0.0
        self._cond = threading.Condition()

    @property
    def limit(self) -> int:
        with self._cond:
            return self._limit

    @property
    def ceiling(self) -> int:
        return self._max

    @property
    def epoch(self) -> int:
        """Read before a request; pass it to `record_success` with the answer."""
        with self._cond:
            return self._cuts

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
                self._cut()
            self._not_before = max(self._not_before, now + delay_s)
            self._streak = 0

    def record_overloaded(self) -> None:
        """A 5xx or a lost answer: halve, unless the limit already shrank in this window
        (the other answers of the same burst are echoes of one signal)."""
        with self._cond:
            if self._since_cut >= self._limit:
                self._cut()
            self._streak = 0

    def record_success(self, duration_s: float | None = None, epoch: int | None = None) -> None:
        """A good answer; `duration_s` decides whether it was fast enough to grow on. An
        answer to a request sent before the last cut (`epoch`) says nothing about the
        new limit."""
        with self._cond:
            self._since_cut += 1
            if epoch is not None and epoch != self._cuts:
                return
            fast = True
            if duration_s is not None:
                if self._fastest is not None:
                    fast = duration_s <= self._slow_factor * self._fastest + 0.05
                self._fastest = min(duration_s, self._fastest or duration_s)
            self._streak = self._streak + 1 if fast else 0
            if self._streak >= self._limit and self._limit < self._max:
                self._limit += 1
                self._streak = 0
                self._cond.notify_all()

    def _cut(self) -> None:
        self._cuts += 1
        self._limit = max(1, self._limit // 2)
        self._streak = 0
        self._since_cut = 0

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
