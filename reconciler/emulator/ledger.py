"""Credit balances per organisation (api-contract.md §4.4, E13) and the /speech envelope
that reports them. Reservations are derived from running clones, never stored."""

from __future__ import annotations

import sqlite3
from typing import Any

from reconciler.emulator.limits import DEFAULT_CREDITS
from reconciler.emulator.state import Backend, Call
from reconciler.emulator.wire import EmuReply, json_reply


def balance_of(conn: sqlite3.Connection, org: str) -> int:
    row = conn.execute("SELECT balance FROM orgs WHERE org_id = ?", (org,)).fetchone()
    return 0 if row is None else int(row[0])


def reserved_of(conn: sqlite3.Connection, org: str) -> int:
    """Cost of the org's clones still running (charged only if they succeed)."""
    row = conn.execute(
        "SELECT COALESCE(SUM(cost), 0) FROM clones WHERE org_id = ? AND finished_at IS NULL",
        (org,),
    ).fetchone()
    return int(row[0])


def ensure_org(conn: sqlite3.Connection, org: str) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO orgs (org_id, balance) VALUES (?, ?)", (org, DEFAULT_CREDITS)
    )


def set_balance(conn: sqlite3.Connection, org: str, balance: int) -> None:
    conn.execute(
        "INSERT INTO orgs (org_id, balance) VALUES (?, ?) "
        "ON CONFLICT (org_id) DO UPDATE SET balance = excluded.balance",
        (org, balance),
    )


def charge(conn: sqlite3.Connection, org: str, credits: int) -> None:
    """Charged at `succeeded` (api-contract.md §4.4)."""
    ensure_org(conn, org)
    conn.execute("UPDATE orgs SET balance = balance - ? WHERE org_id = ?", (credits, org))


def envelope(
    backend: Backend,
    call: Call,
    data: Any,
    *,
    message: str = "OK",
    status: int = 200,
    credits_used: int = 0,
) -> EmuReply:
    """The classic-service envelope (api-contract.md §2) with the caller's balance."""
    # INVENTED: api-contract.md E13 (every envelope carries the balance; creditsUsed 0)
    with backend.store.read() as conn:
        balance = balance_of(conn, call.who.org_id)
    payload = {
        "message": message,
        "warnings": [],
        "errors": [],
        "meta": {
            "version": "2",
            "requestId": call.request_id,
            "creditsUsed": credits_used,
            "creditsRemaining": balance,
        },
        "data": data,
    }
    return json_reply(status, payload)
