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


def _stock(alias: str, language: str, gender: str) -> dict[str, Any]:
    return {
        "alias": alias,
        "voiceId": f"stock-{alias}",
        "provider": "azure",
        "type": "stock",
        "language": language,
        "languageCode": language,
        "gender": gender,
        "ageBracket": "adult",
        "meta": {"technologies": ["tts"], "createdAt": 0},
    }


# INVENTED: api-contract.md E14 (two stock voices so listings are never only custom ones;
# fields in the JS SDK's shape: lib/speech/voice/VoiceItem.js reads data.meta.technologies)
STOCK_VOICES: tuple[dict[str, Any], ...] = (
    _stock("sara", "en-US", "female"),
    _stock("hans", "de-DE", "male"),
)


def voice_item(row: sqlite3.Row) -> dict[str, Any]:
    metadata = json.loads(row["metadata"])
    language = metadata.get("languageCode")
    return {
        "alias": row["alias"],
        "voiceId": row["provider_id"],  # INVENTED: api-contract.md E14 (field values)
        "provider": "audiostack",
        "providerId": row["provider_id"],
        "type": "custom",
        "orgId": row["org_id"],
        "userId": row["user_id"],
        "cloneId": row["clone_id"],
        "voiceEngine": row["engine"],
        "language": language,
        "languageCode": language,
        "gender": metadata.get("gender", ""),
        "ageBracket": metadata.get("ageBracket", ""),
        # the JS SDK's zVoiceData / VoiceItem (meta.technologies is read unguarded)
        "meta": {"technologies": [row["engine"]], "createdAt": int(row["finished_at"] or 0)},
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
