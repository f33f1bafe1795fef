"""Voice cloning routes (api-contract.md §4): create (202, E2/E7/E9/E13) and status/history
(E3), plus the clone record's JSON shape (§4.3). Transitions live in lifecycle.py."""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Any

from reconciler.emulator.ledger import balance_of, envelope, reserved_of
from reconciler.emulator.lifecycle import PENDING_PROVIDER, due_time
from reconciler.emulator.limits import ENGINES
from reconciler.emulator.sdkshapes import (
    refuse_list_all,
    shape_history,
    shape_record,
    stored_metadata,
)
from reconciler.emulator.state import Backend, Call
from reconciler.emulator.validation import check_clone_body, check_clone_files, summarize
from reconciler.emulator.wire import ApiProblem, EmuReply, parse_json_object, show


def record_json(row: sqlite3.Row | dict[str, Any]) -> dict[str, Any]:
    """One clone record exactly as api-contract.md §4.3 lists it."""
    finished = row["finished_at"]
    return {
        "cloneId": row["clone_id"],
        "voiceEngine": row["engine"],
        "alias": row["alias"],
        "filesUsed": json.loads(row["files_used"]),
        "status": row["status"],
        "startedAt": int(row["started_at"]),
        "finishedAt": None if finished is None else int(finished),
        "orgId": row["org_id"],
        "userId": row["user_id"],
        "providerId": row["provider_id"],
        "metadata": json.loads(row["metadata"]),
        "failReason": row["fail_reason"],
        "discardedFiles": json.loads(row["discarded"]),
        # INVENTED: api-contract.md §4.3 (the consent file is echoed; null when none)
        "consentFileId": row["consent_id"],
    }


def alias_holder(conn: sqlite3.Connection, alias: str) -> sqlite3.Row | None:
    """Any org's record holding `alias` (every status but failed holds it, E7)."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT org_id, user_id FROM clones WHERE alias = ? AND status != 'failed' LIMIT 1",
        (alias,),
    ).fetchone()
    return row


def create_clone(backend: Backend, call: Call) -> EmuReply:
    """POST /speech/voice-cloning (and /speech/voice-builder, E1) → 202 + record."""
    body = parse_json_object(call.request.body)
    problems, spec = check_clone_body(body)
    who = call.who
    dialect = backend.dialect.current
    metadata = json.dumps(stored_metadata(json.loads(spec.metadata_json), dialect))
    with backend.store.write() as conn:
        if spec.file_ids is not None:
            now, scale = call.now, backend.clock.time_scale

            def busy(file_id: str) -> bool:
                return backend.dialect.processing(file_id, now, scale)

            problems += check_clone_files(conn, who.org_id, spec, busy)
        if problems:
            message, errors = summarize(problems)
            raise ApiProblem(400, message, errors)
        assert spec.alias is not None and spec.engine is not None and spec.file_ids is not None
        if alias_holder(conn, spec.alias) is not None:
            # INVENTED: api-contract.md E7 (409 wording; the alias is globally unique)
            raise ApiProblem(409, f"alias '{show(spec.alias)}' already exists")
        cost = ENGINES[spec.engine].credits
        available = balance_of(conn, who.org_id) - reserved_of(conn, who.org_id)
        if available < cost:
            # INVENTED: api-contract.md E13 (402 and its wording)
            raise ApiProblem(
                402, f"insufficient credits: {cost} required, {max(0, available)} available"
            )
        clone_id = str(uuid.uuid4())
        conn.execute(
            "INSERT INTO clones (clone_id, alias, org_id, user_id, engine, status, file_ids,"
            " consent_id, files_used, discarded, metadata, started_at, finished_at,"
            " provider_id, fail_reason, cost, phase_started_at, due_at)"
            " VALUES (?, ?, ?, ?, ?, 'preparing', ?, ?, '[]', '{}', ?, ?, NULL, ?, NULL, ?, ?, ?)",
            (
                clone_id,
                spec.alias,
                who.org_id,
                who.user_id,
                spec.engine,
                json.dumps(list(spec.file_ids)),
                spec.consent_id,
                metadata,
                call.now,
                PENDING_PROVIDER,
                cost,
                call.now,
                due_time(backend.clock, spec.engine, "preparing", call.now),
            ),
        )
        row = conn.execute("SELECT * FROM clones WHERE clone_id = ?", (clone_id,)).fetchone()
    # api-contract.md E2: 202 with the envelope and one record in `preparing`
    shaped = shape_record(record_json(row), dialect)
    return envelope(backend, call, shaped, message="Voice cloning started", status=202)


def list_clones(backend: Backend, call: Call) -> EmuReply:
    """GET ?alias= → that alias's history, oldest first; no alias → every visible record.

    A clone is visible only to the user who created it (seed: "only to the user that
    created the voice"); a colleague in the same org sees no record and gets 404 for the
    voice (E14). Aliases stay globally unique all the same (E7).
    INVENTED: api-contract.md E23 (records are kept and listed in creation order)
    """
    who = call.who
    alias = call.request.param("alias")
    dialect = backend.dialect.current
    if alias is None:
        refuse_list_all(dialect)
    with backend.store.read() as conn:
        if alias is None:
            # INVENTED: api-contract.md E3 (list-all = every record visible to the caller)
            rows = conn.execute(
                "SELECT * FROM clones WHERE user_id = ? AND org_id = ? ORDER BY seq",
                (who.user_id, who.org_id),
            ).fetchall()
        else:
            # INVENTED: api-contract.md E3 (unknown alias → 200, data [])
            rows = conn.execute(
                "SELECT * FROM clones WHERE alias = ? AND user_id = ? AND org_id = ? ORDER BY seq",
                (alias, who.user_id, who.org_id),
            ).fetchall()
    records = [record_json(row) for row in rows]
    if alias is None:
        return envelope(backend, call, [shape_record(r, dialect) for r in records])
    return envelope(backend, call, shape_history(records, dialect))
