"""RequestTrail: the request ids of each voice's requests, for the apply report.

Passed as the client's `on_request` hook; it attributes each request to the voice the
calling worker thread is working on (`bind`).
"""

from __future__ import annotations

import threading
from typing import Protocol


class _RequestRecord(Protocol):
    @property
    def method(self) -> str: ...
    @property
    def status(self) -> int | None: ...
    @property
    def request_id(self) -> str | None: ...


class RequestTrail:
    """Request ids per alias for the report. Pass it as the client's `on_request` hook:
    it attributes each request to the voice its worker thread is working on."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._ids: dict[str, list[str]] = {}

    def __call__(self, record: _RequestRecord) -> None:
        alias: str | None = getattr(self._local, "alias", None)
        failed = record.status is None or record.status >= 400
        if alias and record.request_id and (record.method != "GET" or failed):
            with self._lock:
                self._ids.setdefault(alias, []).append(record.request_id)

    def bind(self, alias: str | None) -> None:
        self._local.alias = alias

    def ids(self, alias: str) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._ids.get(alias, ()))

    def last(self, alias: str) -> str | None:
        found = self.ids(alias)
        return found[-1] if found else None
