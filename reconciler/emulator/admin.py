"""The admin and fault-injection API under /_emulator/ (api-contract.md admin table).

No auth, never logged in the request log, never under the API's own paths. Each route
is a small function over the Backend; the public routes live in routes.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from reconciler.emulator import lifecycle
from reconciler.emulator.clock import check_mode, check_scale
from reconciler.emulator.clones import record_json
from reconciler.emulator.dialects import VARIANTS, parse_dialect
from reconciler.emulator.faults import parse_rule
from reconciler.emulator.files import file_item
from reconciler.emulator.folders import folder_item
from reconciler.emulator.ledger import reserved_of, set_balance
from reconciler.emulator.seeding import seed_clone
from reconciler.emulator.state import Backend
from reconciler.emulator.store import read_meta, register_key, seed_defaults, wipe, write_meta
from reconciler.emulator.wire import ApiProblem, EmuReply, EmuRequest, json_reply, parse_json_object

PREFIX = "/_emulator"
LAST_EPOCH = 253_402_300_799  # 9999-12-31T23:59:59Z
CREDIT_LIMIT = 10**15
OK: dict[str, Any] = {"ok": True}
AdminHandler = Callable[[Backend, EmuRequest, dict[str, Any]], Any]


def _int(body: dict[str, Any], name: str, default: int | None = None, limit: int = 0) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiProblem(400, f"{name} must be an integer")
    if limit and not -limit <= value <= limit:  # far inside SQLite's 64-bit INTEGER
        raise ApiProblem(400, f"{name} must be an integer from -{limit:.0e} to {limit:.0e}")
    return value


def _str(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ApiProblem(400, f"{name} must be a non-empty string")
    return value


def save_clock(backend: Backend) -> None:
    with backend.store.write() as conn:
        write_meta(conn, "clock_offset", repr(backend.clock.offset))


def load_clock(backend: Backend) -> None:
    with backend.store.read() as conn:
        saved = read_meta(conn, "clock_offset")
    if saved is not None:
        backend.clock.advance(float(saved) - backend.clock.offset)


def reset(backend: Backend, _: EmuRequest, body: dict[str, Any]) -> Any:
    credits = _int(body, "credits", backend.defaults.credits, CREDIT_LIMIT)
    seed = _int(body, "seed", backend.defaults.seed)
    with backend.store.write() as conn:
        wipe(conn)
        seed_defaults(conn, credits)
        write_meta(conn, "clock_offset", "0.0")
    backend.clock.advance(-backend.clock.offset)
    backend.clock.set_mode(backend.defaults.clock_mode)
    backend.clock.set_scale(backend.defaults.time_scale)
    backend.faults.clear(seed)
    backend.log.clear()
    backend.limiter.per_second = backend.defaults.rate_limit
    backend.dialect.set(backend.defaults.dialect)
    return OK


def set_dialect(backend: Backend, _: EmuRequest, body: dict[str, Any]) -> Any:
    backend.dialect.set(parse_dialect(_str(body, "dialect")))
    return show_dialect(backend, _, body)


def show_dialect(backend: Backend, _: EmuRequest, __: dict[str, Any]) -> Any:
    current = backend.dialect.current
    return {"dialect": current.name, "variants": {v: VARIANTS[v] for v in sorted(current.variants)}}


def dump_state(backend: Backend, request: EmuRequest, _: dict[str, Any]) -> Any:
    lifecycle.settle(backend.store, backend.clock)
    with backend.store.read() as conn:
        orgs = conn.execute("SELECT org_id, balance FROM orgs ORDER BY org_id").fetchall()
        members = conn.execute("SELECT user_id, org_id FROM members ORDER BY 1, 2").fetchall()
        files = conn.execute("SELECT * FROM files ORDER BY seq").fetchall()
        folders = conn.execute("SELECT * FROM folders ORDER BY seq").fetchall()
        clones = conn.execute("SELECT * FROM clones ORDER BY seq").fetchall()
        reserved = {row[0]: reserved_of(conn, row[0]) for row in orgs}
    return {
        "orgs": [{"orgId": o, "balance": b, "reserved": reserved[o]} for o, b in orgs],
        "users": [{"userId": u, "orgId": o} for u, o in members],
        "credits": {o: b for o, b in orgs},
        "folders": [{**folder_item(r), "orgId": r["org_id"]} for r in folders],
        "files": [
            {**file_item(r, request.base_url), "orgId": r["org_id"], "sha256": r["sha256"]}
            for r in files
        ],
        "clones": [record_json(row) for row in clones],
        "clock": backend.clock.describe(),
        "faults": backend.faults.describe(),
        "rateLimit": backend.limiter.per_second,
    }


def set_clock(backend: Backend, _: EmuRequest, body: dict[str, Any]) -> Any:
    clock = backend.clock
    try:  # validate everything first: a 400 leaves the clock untouched
        if "mode" in body:
            check_mode(body["mode"])
        if "time_scale" in body:
            check_scale(body["time_scale"])
        for name in ("now", "advance_s"):
            value = body.get(name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                raise ValueError(f"{name} must be a number")
        start = clock.now() if body.get("now") is None else body["now"]
        if not 0 <= start + (body.get("advance_s") or 0) <= LAST_EPOCH:
            # file items show times as ISO dates, which end in the year 9999
            raise ValueError(f"the clock must stay within epoch 0 to {LAST_EPOCH}")
    except ValueError as exc:
        raise ApiProblem(400, str(exc)) from None
    if "mode" in body:
        clock.set_mode(body["mode"])
    if "time_scale" in body:
        clock.set_scale(body["time_scale"])
    if body.get("now") is not None:
        clock.set_now(body["now"])
    if body.get("advance_s") is not None:
        clock.advance(body["advance_s"])
    save_clock(backend)
    lifecycle.reschedule(backend.store, clock)
    return clock.describe()


def advance(backend: Backend, _: EmuRequest, body: dict[str, Any]) -> Any:
    alias = _str(body, "alias")
    to = body.get("to")
    if to not in (None, "succeeded", "failed"):
        raise ApiProblem(400, "to must be succeeded, failed or absent")
    reason = body.get("failReason")
    if reason is not None and not isinstance(reason, str):
        raise ApiProblem(400, "failReason must be a string")
    lifecycle.settle(backend.store, backend.clock)
    with backend.store.write() as conn:
        row = conn.execute(
            "SELECT * FROM clones WHERE alias = ? AND finished_at IS NULL ORDER BY seq DESC",
            (alias,),
        ).fetchone()
        if row is None:
            raise ApiProblem(404, f"no running clone with alias '{alias}'")
        clone = dict(row)
        now = backend.clock.now()
        lifecycle.step(conn, backend.clock, clone, at=now, to=to, fail_reason=reason)
        lifecycle.save(conn, clone)
    return {"record": record_json(clone)}


def set_credits(backend: Backend, _: EmuRequest, body: dict[str, Any]) -> Any:
    org, balance = _str(body, "org"), _int(body, "balance", limit=CREDIT_LIMIT)
    with backend.store.write() as conn:
        set_balance(conn, org, balance)
    return {"org": org, "balance": balance}


def add_key(backend: Backend, _: EmuRequest, body: dict[str, Any]) -> Any:
    key, org, user = _str(body, "key"), _str(body, "org"), _str(body, "user")
    with backend.store.write() as conn:
        register_key(conn, key.strip(), org, user)
    return {"org": org, "user": user}


def add_clone(backend: Backend, _: EmuRequest, body: dict[str, Any]) -> Any:
    try:
        with backend.store.write() as conn:
            clone_id = seed_clone(conn, backend.clock, body)
            row = conn.execute("SELECT * FROM clones WHERE clone_id = ?", (clone_id,)).fetchone()
    except ValueError as exc:
        raise ApiProblem(400, str(exc)) from None
    except sqlite3.IntegrityError:
        raise ApiProblem(409, "cloneId already exists") from None
    return {"record": record_json(row)}


def delete_clones(backend: Backend, request: EmuRequest, _: dict[str, Any]) -> Any:
    """E8: no public delete; tests may remove every record of an alias here."""
    alias = request.param("alias") or ""
    with backend.store.write() as conn:
        deleted = conn.execute("DELETE FROM clones WHERE alias = ?", (alias,)).rowcount
    return {"deleted": deleted}


def add_fault(backend: Backend, _: EmuRequest, body: dict[str, Any]) -> Any:
    try:
        rule = parse_rule(body)
    except ValueError as exc:
        raise ApiProblem(400, str(exc)) from None
    backend.faults.add(rule)
    return {"id": rule.id}


def set_rate_limit(backend: Backend, _: EmuRequest, body: dict[str, Any]) -> Any:
    value = body.get("per_second")
    try:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ValueError("per_second must be a number or null")
        backend.limiter.per_second = None if value is None else float(value)
    except ValueError as exc:
        raise ApiProblem(400, str(exc)) from None
    return {"rateLimit": backend.limiter.per_second}


def clear_faults(backend: Backend, _: EmuRequest, __: dict[str, Any]) -> Any:
    backend.faults.clear()
    return OK


def clear_requests(backend: Backend, _: EmuRequest, __: dict[str, Any]) -> Any:
    backend.log.clear()
    return OK


ADMIN_ROUTES: dict[tuple[str, str], AdminHandler] = {
    ("POST", "/reset"): reset,
    ("GET", "/state"): dump_state,
    ("POST", "/clock"): set_clock,
    ("POST", "/advance"): advance,
    ("POST", "/credits"): set_credits,
    ("POST", "/keys"): add_key,
    ("POST", "/clones"): add_clone,
    ("DELETE", "/clones"): delete_clones,
    ("POST", "/faults"): add_fault,
    ("DELETE", "/faults"): clear_faults,
    ("GET", "/faults"): lambda b, r, _: {"faults": b.faults.describe()},
    ("GET", "/requests"): lambda b, r, _: {"requests": b.log.entries()},
    ("DELETE", "/requests"): clear_requests,
    ("POST", "/rate-limit"): set_rate_limit,
    ("POST", "/dialect"): set_dialect,
    ("GET", "/dialect"): show_dialect,
}


def handle_admin(backend: Backend, request: EmuRequest) -> EmuReply:
    sub = request.path[len(PREFIX) :] or "/"
    handler = ADMIN_ROUTES.get((request.method, sub))
    if handler is None:
        if any(path == sub for _, path in ADMIN_ROUTES):
            raise ApiProblem(405, f"method {request.method} not allowed on {request.path}")
        raise ApiProblem(404, f"no admin route {sub}")
    body: dict[str, Any] = {}
    if request.method == "POST" and request.body.strip():
        body = parse_json_object(request.body)
    return json_reply(200, handler(backend, request, body))
