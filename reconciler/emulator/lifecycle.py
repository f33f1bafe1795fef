"""Clone lifecycle (api-contract.md E4, E5, E13): preparing → in_progress → succeeded|failed.

Transitions are computed lazily: each row stores when its next step is due on the
emulator clock; `settle` applies every due step in one transaction before a request is
served, so no background thread exists. Routes live in clones.py.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Any

from reconciler.emulator.clock import EmulatorClock
from reconciler.emulator.ledger import charge
from reconciler.emulator.limits import ENGINES, EngineRules
from reconciler.emulator.store import Store

RUNNING = ("preparing", "in_progress")
TERMINAL = ("succeeded", "failed")
ADMIN_FAIL_REASON = "failed on request (emulator admin)"  # INVENTED: api-contract.md E4
PENDING_PROVIDER = "Not available yet."  # api-contract.md §4.3


def rules_for(engine: str) -> EngineRules:
    """Admin-seeded records may name any engine; they follow the instant engine's rules."""
    return ENGINES.get(engine, ENGINES["voice_engine_3"])


def due_time(clock: EmulatorClock, engine: str, status: str, phase_start: float) -> float | None:
    if status not in RUNNING:
        return None
    seconds = clock.phase_seconds(rules_for(engine), status)
    return None if seconds is None else phase_start + seconds


def settle(store: Store, clock: EmulatorClock) -> None:
    """Apply every transition due by now (cheap when nothing is due: one indexed probe)."""
    now = clock.now()
    with store.read() as conn:
        if (
            conn.execute("SELECT 1 FROM clones WHERE due_at <= ? LIMIT 1", (now,)).fetchone()
            is None
        ):
            return
    with store.write() as conn:
        rows = conn.execute(
            "SELECT * FROM clones WHERE due_at <= ? ORDER BY due_at, seq", (now,)
        ).fetchall()
        for row in rows:
            clone = dict(row)
            while clone["due_at"] is not None and clone["due_at"] <= now:
                step(conn, clock, clone, at=clone["due_at"])
            save(conn, clone)


def step(
    conn: sqlite3.Connection,
    clock: EmulatorClock,
    clone: dict[str, Any],
    *,
    at: float,
    to: str | None = None,
    fail_reason: str | None = None,
) -> None:
    """Move `clone` (a mutable row) one step, or to `to`; the caller saves it."""
    rules = rules_for(clone["engine"])
    if clone["status"] == "preparing":
        used, discarded, total = assess_files(conn, clone, rules)
        clone["files_used"], clone["discarded"] = json.dumps(used), json.dumps(discarded)
        if to == "failed":
            _finish(clone, "failed", at, fail_reason or ADMIN_FAIL_REASON)
        elif _us(total) < _us(rules.min_total_s) and to != "succeeded":
            required = f"{rules.min_total_s:g}"
            # INVENTED: api-contract.md E9 (failReason wording)
            reason = f"not enough audio: {seconds_text(total, rules.min_total_s)} s used,"
            _finish(clone, "failed", at, f"{reason} {required} s required")
        elif to == "succeeded":
            _succeed(conn, clone, at)
        else:
            clone["status"], clone["phase_started_at"] = "in_progress", at
            clone["due_at"] = due_time(clock, clone["engine"], "in_progress", at)
    elif clone["status"] == "in_progress":
        if to == "failed":
            _finish(clone, "failed", at, fail_reason or ADMIN_FAIL_REASON)
        else:
            _succeed(conn, clone, at)


def _succeed(conn: sqlite3.Connection, clone: dict[str, Any], at: float) -> None:
    _finish(clone, "succeeded", at, None)
    clone["provider_id"] = f"custom-{uuid.uuid4().hex[:16]}"  # INVENTED: api-contract.md E14
    charge(conn, clone["org_id"], int(clone["cost"]))  # api-contract.md §4.4: on success only


def _finish(clone: dict[str, Any], status: str, at: float, reason: str | None) -> None:
    # Failure needs no refund: the reservation was derived from the running row (E13).
    clone.update(status=status, finished_at=at, fail_reason=reason, due_at=None)


def assess_files(
    conn: sqlite3.Connection, clone: dict[str, Any], rules: EngineRules
) -> tuple[list[str], dict[str, str], float]:
    """Split the submitted files into used and discarded-with-reason (api-contract.md E5)."""
    used: list[str] = []
    discarded: dict[str, str] = {}
    first_by_content: dict[str, str] = {}
    total_us = 0
    for file_id in json.loads(clone["file_ids"]):
        row = conn.execute(
            "SELECT status, duration, sha256, sound FROM files WHERE file_id = ? AND org_id = ?",
            (file_id, clone["org_id"]),
        ).fetchone()
        # INVENTED: api-contract.md E5 (reason wording)
        if row is None:
            discarded[file_id] = "unknown file"
        elif row["status"] != "uploaded" or row["duration"] is None:
            discarded[file_id] = "unreadable audio"
        elif row["sha256"] in first_by_content:
            discarded[file_id] = f"duplicate content of {first_by_content[row['sha256']]}"
        elif _us(row["duration"]) < _us(rules.min_file_s):
            shown = seconds_text(row["duration"], rules.min_file_s)
            discarded[file_id] = f"too short: {shown} s < {rules.min_file_s:g} s"
        elif row["sound"]:  # INVENTED: api-contract.md E27 (silent or heavily clipped)
            discarded[file_id] = row["sound"]
        else:
            used.append(file_id)  # INVENTED: api-contract.md E6 (input order, ids as sent)
            total_us += _us(row["duration"])
        if row is not None and row["sha256"] and row["sha256"] not in first_by_content:
            first_by_content[row["sha256"]] = file_id
    return used, discarded, total_us / 1_000_000


def _us(seconds: float) -> int:
    """Exact integer microseconds (durations are stored with 6 decimals): a float sum of
    500 × 2.4 s would miss 20 minutes by a rounding error."""
    return round(float(seconds) * 1_000_000)


def seconds_text(value: float, limit: float) -> str:
    """One decimal, or more when one decimal would hide that `value` is below `limit`."""
    for digits in range(1, 7):
        text = f"{value:.{digits}f}"
        if float(text) < limit:
            return text
    return repr(value)


def save(conn: sqlite3.Connection, clone: dict[str, Any]) -> None:
    conn.execute(
        "UPDATE clones SET status = ?, files_used = ?, discarded = ?, finished_at = ?,"
        " provider_id = ?, fail_reason = ?, phase_started_at = ?, due_at = ? WHERE seq = ?",
        (
            clone["status"],
            clone["files_used"],
            clone["discarded"],
            clone["finished_at"],
            clone["provider_id"],
            clone["fail_reason"],
            clone["phase_started_at"],
            clone["due_at"],
            clone["seq"],
        ),
    )


def reschedule(store: Store, clock: EmulatorClock) -> None:
    """Recompute every running clone's due time after a mode or scale change."""
    with store.write() as conn:
        rows = conn.execute(
            "SELECT seq, engine, status, phase_started_at FROM clones WHERE finished_at IS NULL"
        ).fetchall()
        for row in rows:
            due = due_time(clock, row["engine"], row["status"], row["phase_started_at"])
            conn.execute("UPDATE clones SET due_at = ? WHERE seq = ?", (due, row["seq"]))
