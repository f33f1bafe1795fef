"""Which clone route this run talks to: `/speech/voice-cloning` with `engine` (the guide)
or `/speech/voice-builder` with `voiceEngine` (the JS SDK), decided once per run from the
first answer (api-contract.md §8, E1).

A route counts as missing on 404/405 or on an API gateway's 403 "Missing Authentication
Token" (its answer for a route it does not have, whatever the key). No httpx here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from reconciler.model.errors import ApiError
from reconciler.model.voiceapi import CloneRequest

GATEWAY_MISSING = "Missing Authentication Token"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CloneRoute:
    path: str
    engine_key: str

    def body(self, request: CloneRequest) -> dict[str, Any]:
        """The create body for this route (api-contract.md §4.1)."""
        body: dict[str, Any] = {
            "fileIds": list(request.file_ids),
            "alias": request.alias,
            self.engine_key: request.engine,
            "metadata": dict(request.metadata),
        }
        if request.consent_file_id is not None:
            body["consentFileId"] = request.consent_file_id
        return body


CLONING = CloneRoute("/speech/voice-cloning", "engine")
BUILDER = CloneRoute("/speech/voice-builder", "voiceEngine")


def route_missing(exc: ApiError) -> bool:
    """True when the answer says the route does not exist (not that the call was refused)."""
    if exc.status in (404, 405):
        return True
    return exc.status == 403 and GATEWAY_MISSING.lower() in exc.server_message.lower()


class RouteChoice:
    """The clone route of this run: tried in order until one answers, then fixed."""

    def __init__(
        self,
        order: tuple[CloneRoute, ...] = (CLONING, BUILDER),
        note: Callable[[str], None] = print,
    ) -> None:
        self._order = order
        self._note = note
        self._lock = threading.Lock()
        self._chosen: CloneRoute | None = None

    @property
    def chosen(self) -> CloneRoute | None:
        with self._lock:
            return self._chosen

    def call(self, attempt: Callable[[CloneRoute], T]) -> T:
        """`attempt` on the chosen route, or on each candidate until one is not missing.
        The first error is raised when every candidate is missing."""
        chosen = self.chosen
        if chosen is not None:
            return attempt(chosen)
        first: ApiError | None = None
        for route in self._order:
            try:
                result = attempt(route)
            except ApiError as exc:
                if not route_missing(exc):
                    self._fix(route, f"answered HTTP {exc.status}")
                    raise
                first = first or exc
                self._note(f"clone route {route.path} missing (HTTP {exc.status}); trying the next")
                continue
            self._fix(route, "answered")
            return result
        assert first is not None
        raise first

    def _fix(self, route: CloneRoute, why: str) -> None:
        with self._lock:
            if self._chosen is None:
                self._chosen = route
                self._note(f"clone route: {route.path} (engine key `{route.engine_key}`), {why}")
