"""The request log tests assert on (GET /_emulator/requests) and the in-flight counter.

In memory, bounded, per process. Admin requests are not logged, so "plan sends only GETs"
can be checked without filtering. Never holds keys, bodies or upload signatures.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

LOG_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    time: float  # emulator clock
    method: str
    path: str
    query: str  # upload signatures removed
    route: str | None  # matched template, None for unknown paths
    status: int | None  # None when a transport fault replaced the reply
    requestId: str
    inFlight: int
    fault: str | None = None  # fault rule id that fired
    traceId: str | None = None


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: deque[LoggedRequest] = deque(maxlen=LOG_LIMIT)
        self._in_flight = 0
        self.max_in_flight = 0

    def enter(self) -> int:
        """Count one more request in flight; returns the count including it."""
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            return self._in_flight

    def leave(self, entry: LoggedRequest | None) -> None:
        with self._lock:
            self._in_flight -= 1
            if entry is not None:
                self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(entry) for entry in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.max_in_flight = self._in_flight
