"""The voice library (api-contract.md E14): `GET /speech/voice` and `/speech/voice/{alias}`.

A succeeded clone appears here for the user who created it only. Clone records and
transitions live in clones.py and lifecycle.py.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from reconciler.emulator.ledger import envelope
from reconciler.emulator.state import Backend, Call
from reconciler.emulator.wire import ApiProblem, EmuReply, show

# INVENTED: api-contract.md E14 (two stock voices so listings are never only custom ones)
STOCK_VOICES: tuple[dict[str, Any], ...] = (
    {"alias": "sara", "provider": "azure", "type": "stock", "language": "en-US"},
    {"alias": "hans", "provider": "azure", "type": "stock", "language": "de-DE"},
)


def voice_item(row: sqlite3.Row) -> dict[str, Any]:
    metadata = json.loads(row["metadata"])
    return {
        "alias": row["alias"],
        "provider": "audiostack",  # INVENTED: api-contract.md E14 (field values)
        "type": "custom",
        "orgId": row["org_id"],
        "userId": row["user_id"],
        "cloneId": row["clone_id"],
        "voiceEngine": row["engine"],
        "language": metadata.get("languageCode"),
        "metadata": metadata,
    }


def _custom_rows(backend: Backend, call: Call, alias: str | None) -> list[sqlite3.Row]:
    who = call.who
    with backend.store.read() as conn:
        rows = conn.execute(
            "SELECT * FROM clones WHERE status = 'succeeded' AND user_id = ? AND org_id = ?"
            " ORDER BY seq",
            (who.user_id, who.org_id),
        ).fetchall()
    return [row for row in rows if alias is None or row["alias"] == alias]


def list_voices(backend: Backend, call: Call) -> EmuReply:
    voices = [dict(v) for v in STOCK_VOICES]
    voices += [voice_item(row) for row in _custom_rows(backend, call, None)]
    return envelope(backend, call, {"voices": voices})


def get_voice(backend: Backend, call: Call) -> EmuReply:
    alias = call.params["alias"]
    rows = _custom_rows(backend, call, alias)
    if rows:
        return envelope(backend, call, voice_item(rows[-1]))
    for stock in STOCK_VOICES:
        if stock["alias"] == alias:
            return envelope(backend, call, dict(stock))
    raise ApiProblem(404, f"voice '{show(alias)}' not found")
