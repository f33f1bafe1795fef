"""Admin seeding of clone records (`POST /_emulator/clones`): a full record in, a row out.

Lets tests place owned or foreign records in any status (api-contract.md admin table).
No HTTP routing here; admin.py calls `seed_clone`.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Any

from reconciler.emulator.clock import EmulatorClock
from reconciler.emulator.ledger import ensure_org
from reconciler.emulator.lifecycle import PENDING_PROVIDER, RUNNING, TERMINAL, due_time, rules_for
from reconciler.emulator.limits import DEFAULT_ORG, DEFAULT_USER, FOREIGN_ORG, FOREIGN_USER

SEED_FIELDS = frozenset(
    {
        "alias", "status", "voiceEngine", "engine", "orgId", "userId", "foreign", "key",
        "filesUsed", "discardedFiles", "metadata", "failReason", "startedAt", "finishedAt",
        "cloneId", "providerId", "consentFileId",
    }
)  # fmt: skip


def _text(payload: dict[str, Any], name: str, default: str | None) -> str | None:
    value = payload.get(name)
    value = default if value is None else value  # an explicit null means the default
    if value is not None and (not isinstance(value, str) or not value):
        raise ValueError(f"{name} must be a non-empty string")
    return value


def _number(payload: dict[str, Any], name: str, default: float | None) -> float | None:
    value = payload.get(name)
    value = default if value is None else value
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ValueError(f"{name} must be a number of Unix seconds")
    return None if value is None else float(value)


def _owner(conn: sqlite3.Connection, payload: dict[str, Any]) -> tuple[str, str]:
    if payload.get("foreign"):
        return FOREIGN_ORG, FOREIGN_USER
    key = _text(payload, "key", None)
    if key is not None:
        row = conn.execute(
            "SELECT org_id, user_id FROM api_keys WHERE api_key = ?", (key,)
        ).fetchone()
        if row is None:
            raise ValueError("key is not registered")
        return str(row[0]), str(row[1])
    org = _text(payload, "orgId", DEFAULT_ORG)
    user = _text(payload, "userId", DEFAULT_USER)
    assert org is not None and user is not None
    return org, user


def seed_clone(conn: sqlite3.Connection, clock: EmulatorClock, payload: dict[str, Any]) -> str:
    """Insert the record described by `payload`; returns its cloneId. ValueError if bad."""
    unknown = sorted(set(payload) - SEED_FIELDS)
    if unknown:
        raise ValueError(f"unknown clone field '{unknown[0]}'")
    alias = _text(payload, "alias", None)
    if alias is None:
        raise ValueError("alias is required")
    status = payload.get("status", "succeeded")
    if status not in RUNNING + TERMINAL:
        raise ValueError("status must be preparing, in_progress, succeeded or failed")
    engine = _text(payload, "voiceEngine", None) or _text(payload, "engine", "voice_engine_3")
    assert engine is not None
    org, user = _owner(conn, payload)
    used = payload.get("filesUsed", [])
    discarded = payload.get("discardedFiles", {})
    metadata = payload.get("metadata", {})
    if not isinstance(used, list) or not all(isinstance(f, str) for f in used):
        raise ValueError("filesUsed must be a list of strings")
    if not isinstance(discarded, dict) or not all(isinstance(r, str) for r in discarded.values()):
        raise ValueError("discardedFiles must map file ids to reasons")
    if not isinstance(metadata, dict):
        raise ValueError("metadata must be an object")
    now = clock.now()
    started = _number(payload, "startedAt", now)
    assert started is not None
    finished = _number(payload, "finishedAt", now if status in TERMINAL else None)
    if status in RUNNING:
        finished = None  # running ⇔ no finishedAt: reservations depend on it (E13)
    elif finished is None:
        finished = now
    default_reason = "failed (seeded)" if status == "failed" else None
    fail_reason = _text(payload, "failReason", default_reason)
    default_provider = f"custom-{uuid.uuid4().hex[:16]}" if status == "succeeded" else None
    provider = _text(payload, "providerId", default_provider) or PENDING_PROVIDER
    clone_id = _text(payload, "cloneId", str(uuid.uuid4()))
    consent = _text(payload, "consentFileId", None)
    ensure_org(conn, org)
    conn.execute(
        "INSERT INTO clones (clone_id, alias, org_id, user_id, engine, status, file_ids,"
        " consent_id, files_used, discarded, metadata, started_at, finished_at, provider_id,"
        " fail_reason, cost, phase_started_at, due_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            clone_id, alias, org, user, engine, status, json.dumps(used + list(discarded)),
            consent, json.dumps(used if status != "preparing" else []),
            json.dumps(discarded if status != "preparing" else {}), json.dumps(metadata),
            started, finished, provider, fail_reason, rules_for(engine).credits, now,
            due_time(clock, engine, status, now),
        ),
    )  # fmt: skip
    assert clone_id is not None
    return clone_id
