"""What every handler receives: the Backend (shared services) and the Call (this request).

Plain holders only; behaviour lives in the handler modules and core.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reconciler.emulator.access import Caller, RateLimiter
from reconciler.emulator.blobs import BlobStore
from reconciler.emulator.clock import EmulatorClock
from reconciler.emulator.dialects import Dialect, DialectBox
from reconciler.emulator.faults import FaultBook
from reconciler.emulator.requestlog import RequestLog
from reconciler.emulator.store import Store
from reconciler.emulator.wire import ApiProblem, EmuRequest


@dataclass(frozen=True, slots=True)
class Defaults:
    """What `POST /_emulator/reset` returns to."""

    clock_mode: str
    time_scale: float
    seed: int
    rate_limit: float | None
    credits: int
    dialect: Dialect


@dataclass(frozen=True, slots=True)
class Backend:
    store: Store
    blobs: BlobStore
    clock: EmulatorClock
    faults: FaultBook
    log: RequestLog
    limiter: RateLimiter
    defaults: Defaults
    dialect: DialectBox


@dataclass(frozen=True, slots=True)
class Call:
    request: EmuRequest
    params: Mapping[str, str]  # path parameters of the matched route template
    request_id: str
    now: float  # emulator clock at arrival
    caller: Caller | None = None  # None on routes without auth (upload URLs)

    @property
    def who(self) -> Caller:
        if self.caller is None:  # a route table mistake, not a client error
            raise ApiProblem(401, "missing API key: send it in the x-api-key header")
        return self.caller
