"""The one core both front doors share: `Emulator.handle(EmuRequest) -> EmuReply`.

Per request: route, fault rules, auth and rate limit, lazy clone transitions, handler,
request log. Handlers live in files/folders/clones/voices/admin.py; HTTP framing lives
in transport.py and server.py.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from reconciler.emulator import lifecycle
from reconciler.emulator.access import RateLimiter, authenticate
from reconciler.emulator.admin import PREFIX, handle_admin, load_clock
from reconciler.emulator.blobs import BlobStore
from reconciler.emulator.clock import EmulatorClock
from reconciler.emulator.dialects import DialectBox, parse_dialect
from reconciler.emulator.faults import FaultBook, FaultRule
from reconciler.emulator.limits import DEFAULT_CREDITS, DEFAULT_KEY
from reconciler.emulator.requestlog import LoggedRequest, RequestLog
from reconciler.emulator.routes import Route, match_route, template_of
from reconciler.emulator.sdkshapes import refuse_route, shape_error
from reconciler.emulator.state import Backend, Call, Defaults
from reconciler.emulator.store import Store, seed_defaults
from reconciler.emulator.wire import ApiProblem, EmuReply, EmuRequest

MAX_KEPT_ERRORS = 20


class Emulator:
    """A stateful AudioStack emulator over SQLite; thread-safe; `handle` never raises."""

    def __init__(
        self,
        db: str | os.PathLike[str] = ":memory:",
        *,
        clock_mode: str = "time",
        seed: int = 0,
        time_scale: float = 1.0,
        rate_limit: float | None = None,
        credits: int = DEFAULT_CREDITS,
        dialect: str = "guide",
    ) -> None:
        chosen = parse_dialect(dialect)
        store = Store(db)
        legacy_blobs = None if store.in_memory else Path(os.fspath(db)).parent / "blobs"
        limiter = RateLimiter(rate_limit)
        self.backend = Backend(
            store=store,
            blobs=BlobStore(store, legacy_blobs),
            clock=EmulatorClock(clock_mode, time_scale=time_scale),
            faults=FaultBook(seed),
            log=RequestLog(),
            limiter=limiter,
            defaults=Defaults(clock_mode, time_scale, seed, rate_limit, credits, chosen),
            dialect=DialectBox(chosen),
        )
        with store.write() as conn:
            if conn.execute("SELECT 1 FROM orgs LIMIT 1").fetchone() is None:
                seed_defaults(conn, credits)
        load_clock(self.backend)  # a restart keeps the virtual time it had reached
        lifecycle.reschedule(store, self.backend.clock)
        self.default_key = DEFAULT_KEY
        self.internal_errors: list[str] = []  # tracebacks of bugs (tests assert it stays empty)
        self._errors_lock = threading.Lock()

    @property
    def clock(self) -> EmulatorClock:
        return self.backend.clock

    def handle(self, request: EmuRequest) -> EmuReply:
        if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
            if not request.loopback:
                # api-contract.md §7: the admin API is loopback only, even with --allow-remote
                # INVENTED: api-contract.md §7 (refused with 403 and this wording)
                return ApiProblem(403, "the admin API answers loopback clients only").to_reply()
            return self._guard(lambda: handle_admin(self.backend, request))
        log = self.backend.log
        now = self.backend.clock.now()  # before counting: an entry's inFlight is as of `time`
        in_flight = log.enter()
        request_id = str(uuid.uuid4())  # INVENTED: api-contract.md E24 (a UUID per request)
        fired: FaultRule | None = None
        template: str | None = None
        reply = EmuReply(500)
        try:
            reply, template, fired = self._answer(request, request_id, now)
        finally:
            log.leave(
                self._entry(
                    request,
                    reply=reply,
                    template=template,
                    request_id=request_id,
                    in_flight=in_flight,
                    now=now,
                    fired=fired,
                )
            )
        if reply.transport_fault is None or reply.body:
            # INVENTED: api-contract.md E24 (errors have no meta, so the id rides a header)
            reply = reply.with_headers((("x-request-id", request_id),))
        return reply

    def _answer(
        self, request: EmuRequest, rid: str, now: float
    ) -> tuple[EmuReply, str | None, FaultRule | None]:
        found: tuple[Route, dict[str, str]] | ApiProblem
        try:
            found = match_route(request.method, request.path)
            template: str | None = found[0].template
        except ApiProblem as miss:
            found, template = miss, template_of(request.path)
        fired = self.backend.faults.pick(request.method, template, request.path)
        if fired is not None and fired.delay_s:
            time.sleep(fired.delay_s)
        handled: EmuReply | None = None
        if fired is None or fired.runs_handler:
            if isinstance(found, ApiProblem):
                handled = found.to_reply()
            else:
                route, params = found
                handled = self._guard(lambda: self._serve(route, params, request, rid, now))
            handled = shape_error(handled, self.backend.dialect.current)
        reply = handled if fired is None else fired.outcome(handled)
        assert reply is not None
        return reply, template, fired

    def _serve(
        self, route: Route, params: dict[str, str], request: EmuRequest, rid: str, now: float
    ) -> EmuReply:
        backend = self.backend
        refuse_route(route.template, backend.dialect.current)  # a gateway answers first
        caller = None
        if route.auth:
            key, caller = authenticate(backend.store, request)
            backend.limiter.check(key, now)
        if route.settles:
            lifecycle.settle(backend.store, backend.clock)
        return route.handler(backend, Call(request, params, rid, now, caller))

    def _guard(self, work: Callable[[], EmuReply]) -> EmuReply:
        """Run a handler; client errors become their 4xx, bugs a 500 (never an exception)."""
        try:
            return work()
        except ApiProblem as problem:
            return problem.to_reply()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                # another process held the database past the busy timeout: transient
                return ApiProblem(503, "emulator busy", headers=(("retry-after", "1"),)).to_reply()
            return self._internal_error()
        except Exception:
            return self._internal_error()

    def _internal_error(self) -> EmuReply:
        with self._errors_lock:
            self.internal_errors.append(traceback.format_exc())
            del self.internal_errors[:-MAX_KEPT_ERRORS]
        return ApiProblem(500, "internal emulator error").to_reply()

    def _entry(
        self,
        request: EmuRequest,
        *,
        reply: EmuReply,
        template: str | None,
        request_id: str,
        in_flight: int,
        now: float,
        fired: FaultRule | None,
    ) -> LoggedRequest:
        query = urlencode([(k, "***" if k == "sig" else v) for k, v in request.query])
        return LoggedRequest(
            time=now,
            method=request.method,
            path=request.path,
            query=query,
            route=template,
            status=None
            if reply.transport_fault in ("reset", "hang", "commit_then_drop")
            else reply.status,
            requestId=request_id,
            inFlight=in_flight,
            fault=None if fired is None else fired.id,
            traceId=request.header("x-customer-trace-id"),
        )

    def close(self) -> None:
        self.backend.store.close()
