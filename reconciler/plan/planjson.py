"""The JSON shape of one plan action and the checksums taken over those shapes.

Pure: no I/O. `Plan.to_dict()` (plan.py) assembles the whole document from these pieces;
`checksum_of` works on the JSON shape so a saved plan can be re-verified from its file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.model.errors import Diagnostic
from reconciler.model.values import DeclaredFile, FileId, MetaValue
from reconciler.plan.change import WRITE_ACTIONS, Action, Change, FieldValue

FORMAT_VERSION = 1


def canonical_json(value: object) -> bytes:
    """Sorted keys, no spaces, UTF-8: the bytes every checksum is taken over."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def sha256_tag(value: object) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(value)).hexdigest()


def change_key(change: Change) -> bytes:
    """Identity of a change across two plans: everything but its origin and source line."""
    data = action_dict(change)
    del data["origin"], data["source"]
    return canonical_json(data)


def _is_write(action: Mapping[str, Any]) -> bool:
    would_be = action["intended"] if action["action"] == Action.BLOCKED else action["action"]
    return would_be in WRITE_ACTIONS


def _file_key(entry: Mapping[str, Any] | None) -> str | None:
    if entry is None:
        return None
    return str(entry["sha256"] or entry["file_id"])


def checksum_of(target: str, actions: Sequence[Mapping[str, Any]]) -> str:
    """SHA-256 over format_version, target and the sorted write actions (JSON-shape input).

    Taken over the JSON shape so a saved plan's checksum can be re-verified from its file.
    Remote ids of already-uploaded files are left out: only the desired state counts.
    """
    writes = sorted(
        (
            {
                "action": a["action"],
                "intended": a["intended"],
                "alias": a["alias"],
                "engine": a["engine"],
                "files": sorted(str(_file_key(f)) for f in a["files"]),
                "consent": _file_key(a["consent"]),
                "metadata": a["metadata"],
                "credits": a["credits"],
            }
            for a in actions
            if _is_write(a)
        ),
        key=lambda w: (w["alias"], w["action"]),
    )
    return sha256_tag({"format_version": FORMAT_VERSION, "target": target, "writes": writes})


def write_lines(actions: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """One line per write action, e.g. `create anna-en-warm (voice_engine_3, 300 credits)`."""
    lines = []
    for a in actions:
        if not _is_write(a):
            continue
        word = f"blocked {a['intended']}" if a["action"] == Action.BLOCKED else a["action"]
        lines.append((a["alias"], f"{word} {a['alias']} ({a['engine']}, {a['credits']:,} credits)"))
    return tuple(line for _, line in sorted(lines))


def _file_dict(entry: DeclaredFile, uploaded: Mapping[str, FileId]) -> dict[str, Any]:
    audio = entry.audio
    name = entry.upload_name
    return {
        "path": entry.path,
        "sha256": audio.sha256 if audio else None,
        "bytes": audio.bytes if audio else None,
        "duration_s": audio.duration_s if audio else None,
        "file_id": entry.file_id or (uploaded.get(name) if name else None),
    }


def action_dict(change: Change) -> dict[str, Any]:
    """The JSON shape of one change (an entry of the plan's `actions`)."""
    decl = change.declared
    uploaded = dict(change.uploaded)
    remote = change.remote
    return {
        "action": change.action.value,
        "intended": change.intended.value if change.intended else None,
        "alias": change.alias,
        "engine": change.engine,
        "origin": change.origin.value,
        "source": {"path": decl.source.path, "line": decl.source.line} if decl else None,
        "credits": change.credits,
        "files": [_file_dict(f, uploaded) for f in decl.files] if decl else [],
        "consent": _file_dict(decl.consent, uploaded) if decl and decl.consent else None,
        "metadata": dict(change.metadata),
        "reasons": list(change.reasons),
        "fields": [
            {"path": f.path, "declared": _json_value(f.declared), "remote": _json_value(f.remote)}
            for f in change.fields
        ],
        "discarded": [
            {"file_id": d.file_id, "path": d.path, "reason": d.reason} for d in change.discarded
        ],
        "remote": None
        if remote is None
        else {
            "clone_id": remote.clone_id,
            "status": remote.status,
            "managed_by": remote.managed_by,
            "fail_reason": remote.fail_reason,
        },
        "blocked_reason": change.blocked_reason,
        "hint": change.hint,
    }


def _json_value(value: FieldValue) -> MetaValue | list[str] | None:
    return list(value) if isinstance(value, tuple) else value


def diagnostic_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    """The JSON shape of one diagnostic (an entry of the plan's `diagnostics`)."""
    loc = diagnostic.location
    return {
        "path": loc.path,
        "line": loc.line,
        "col": loc.col,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
        "code": diagnostic.code,
    }
