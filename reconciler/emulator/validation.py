"""Checks on a clone-create body (api-contract.md §4.1, E1, E9, E10, E21, E22).

Every problem is collected so one 400 lists them all. Per-file audio problems are not
here: those become `discardedFiles` during preparing (lifecycle.py).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reconciler.emulator.limits import (
    ALIAS_PATTERN,
    ALIAS_RULE,
    ENGINE_NAMES,
    ENGINES,
    MB,
    METADATA_MAX_CHARS,
    METADATA_MAX_KEYS,
)
from reconciler.emulator.wire import show

CLONE_FIELDS = frozenset({"fileIds", "alias", "engine", "voiceEngine", "metadata", "consentFileId"})
MAX_LISTED = 50  # a 400 lists at most this many problems (a 1 MiB body could hold 25,000)


@dataclass(frozen=True, slots=True)
class CloneSpec:
    alias: str | None
    engine: str | None  # a known engine, or None when missing/invalid
    file_ids: tuple[str, ...] | None
    consent_id: str | None
    metadata_json: str


def check_clone_body(body: dict[str, Any]) -> tuple[list[str], CloneSpec]:
    problems = [f"unknown field '{show(key)}'" for key in sorted(set(body) - CLONE_FIELDS)]
    alias = _check_alias(body.get("alias"), problems)
    engine = _check_engine(body, problems)
    file_ids = _check_file_ids(body.get("fileIds"), engine, problems)
    consent = body.get("consentFileId")
    if consent is not None and (not isinstance(consent, str) or not consent):
        problems.append("consentFileId must be a non-empty string")
        consent = None
    if engine is not None and ENGINES[engine].consent_required and consent is None:
        # INVENTED: api-contract.md E9 (wording; the guide requires a consent recording)
        problems.append(f"{engine} requires consentFileId (a consent recording)")
    metadata = _check_metadata(body.get("metadata", {}), problems)
    spec = CloneSpec(alias, engine, file_ids, consent, json.dumps(metadata, ensure_ascii=False))
    return problems, spec


def _check_alias(alias: object, problems: list[str]) -> str | None:
    if alias is None:
        problems.append("alias is required")
    elif not isinstance(alias, str):
        problems.append("alias must be a string")
    elif not ALIAS_PATTERN.fullmatch(alias):
        # INVENTED: api-contract.md E21
        problems.append(f"alias '{show(alias)}' must match {ALIAS_RULE}")
    else:
        return alias
    return None


def _check_engine(body: dict[str, Any], problems: list[str]) -> str | None:
    expected = ", ".join(ENGINE_NAMES)
    # INVENTED: api-contract.md E1 (engine under `engine` or `voiceEngine`)
    engine, alt = body.get("engine"), body.get("voiceEngine")
    if engine is not None and alt is not None and engine != alt:
        problems.append("engine and voiceEngine differ")
        return None
    engine = engine if engine is not None else alt
    if engine is None:
        problems.append(f"engine is required (expected {expected})")
    elif not isinstance(engine, str):
        problems.append("engine must be a string")
    elif engine not in ENGINES:
        # INVENTED: api-contract.md E10
        problems.append(f"unknown engine '{show(engine)}' (expected {expected})")
    else:
        return engine
    return None


def _check_file_ids(
    value: object, engine: str | None, problems: list[str]
) -> tuple[str, ...] | None:
    if value is None:
        problems.append("fileIds is required")
        return None
    if not isinstance(value, list):
        problems.append("fileIds must be a list of strings")
        return None
    if not value:
        problems.append("fileIds must not be empty")
        return None
    bad = [i for i, item in enumerate(value) if not isinstance(item, str) or not item]
    if bad:
        problems.append(f"fileIds[{bad[0]}] must be a non-empty string")
        return None
    seen: set[str] = set()
    for item in value:
        if item in seen:
            # INVENTED: api-contract.md E9 (filesUsed ∪ discardedFiles must be the input set)
            problems.append(f"fileIds lists '{show(item)}' twice")
            return None
        seen.add(item)
    # INVENTED: api-contract.md E9 (counted at POST; the consent file is not one of them)
    if engine is not None and len(value) > ENGINES[engine].max_files:
        limit = ENGINES[engine].max_files
        problems.append(f"too many files: {len(value)} > {limit} for {engine}")
    return tuple(value)


def _check_metadata(value: object, problems: list[str]) -> dict[str, Any]:
    # INVENTED: api-contract.md E22 (flat object, ≤ 32 keys, strings ≤ 256 characters)
    if not isinstance(value, dict):
        problems.append("metadata must be an object")
        return {}
    if len(value) > METADATA_MAX_KEYS:
        problems.append(f"metadata has {len(value)} keys (at most {METADATA_MAX_KEYS})")
        return {}
    for key, item in value.items():
        if not key or len(key) > METADATA_MAX_CHARS:
            problems.append(f"metadata keys must have 1 to {METADATA_MAX_CHARS} characters")
        elif isinstance(item, bool | int | float) and not isinstance(item, str):
            continue
        elif not isinstance(item, str):
            problems.append(f"metadata.{show(key)} must be a string, number or boolean")
        elif len(item) > METADATA_MAX_CHARS:
            problems.append(f"metadata.{show(key)} is longer than {METADATA_MAX_CHARS} characters")
    return value


def check_clone_files(
    conn: sqlite3.Connection,
    org: str,
    spec: CloneSpec,
    processing: Callable[[str], bool] = lambda file_id: False,
) -> list[str]:
    """Problems with the files as stored: unknown, not uploaded (or, in the slow-processing
    dialect, still processing), total size (E9)."""
    problems: list[str] = []
    total = 0
    for file_id in spec.file_ids or ():
        row = _file_row(conn, org, file_id)
        if row is None:
            problems.append(f"unknown file '{show(file_id)}'")
        elif row["status"] == "pending" or processing(file_id):
            problems.append(f"file '{show(file_id)}' is not uploaded yet (status pending)")
        else:
            total += int(row["size"])
    # INVENTED: api-contract.md E9 (total size checked at POST, consent excluded, MB = 10^6)
    if spec.engine is not None and total > ENGINES[spec.engine].max_total_bytes:
        limit = ENGINES[spec.engine].max_total_bytes // MB
        problems.append(f"total file size {total} bytes exceeds {limit} MB for {spec.engine}")
    if spec.consent_id is not None:
        row = _file_row(conn, org, spec.consent_id)
        if row is None:
            problems.append(f"unknown consent file '{show(spec.consent_id)}'")
        elif row["status"] != "uploaded" or processing(spec.consent_id):
            status = "pending" if row["status"] == "uploaded" else row["status"]
            problems.append(
                f"consent file '{show(spec.consent_id)}' is not usable (status {status})"
            )
    return problems


def _file_row(conn: sqlite3.Connection, org: str, file_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT status, size FROM files WHERE file_id = ? AND org_id = ?", (file_id, org)
    ).fetchone()
    return row


def summarize(problems: list[str]) -> tuple[str, tuple[str, ...]]:
    """The 400 body: message joins the problems, errors lists them (capped)."""
    listed = problems[:MAX_LISTED]
    if len(problems) > MAX_LISTED:
        listed.append(f"… and {len(problems) - MAX_LISTED} more")
    return "; ".join(listed), tuple(listed)
