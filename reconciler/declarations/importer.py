"""Turn existing remote clones into declaration YAML text (`voicectl import`).

Files become `file_id:` entries (the submitted set: filesUsed ∪ discarded), so a plan right
after an import sees the same voice. Scalars are written as JSON strings, which are valid
YAML double-quoted scalars: no value can change type or break out of its line.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping

from reconciler.model.values import (
    FILES_STAMP_KEY,
    LANGUAGE_KEY,
    MANAGED_BY_KEY,
    MetaValue,
    RemoteClone,
)

SCHEMA_MODELINE = "# yaml-language-server: $schema={schema}"
DEFAULT_LANGUAGE = "en"


# control, format (bidi overrides, zero-width), separator, private-use, surrogate and
# unassigned characters: YAML rejects some outright (C1), the rest would hide in a review
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _quoted(text: str) -> str:
    """A double-quoted YAML scalar showing every invisible character as an escape."""
    body = json.dumps(text, ensure_ascii=False)[1:-1]  # JSON escapes are YAML escapes
    out = [
        (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
        if unicodedata.category(c) in _HIDDEN
        else c
        for c in body
    ]
    return '"' + "".join(out) + '"'


def _scalar(value: MetaValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return _quoted(value)


def _key(name: str) -> str:
    plain = name.replace("_", "").replace("-", "").isalnum() and name.isascii()
    return name if plain and not name[0].isdigit() else _quoted(name)


def _metadata(metadata: Mapping[str, MetaValue]) -> list[str]:
    kept = {
        k: v
        for k, v in metadata.items()
        if k not in (MANAGED_BY_KEY, LANGUAGE_KEY, FILES_STAMP_KEY)
    }
    if not kept:
        return []
    return ["metadata:", *(f"  {_key(k)}: {_scalar(v)}" for k, v in sorted(kept.items()))]


def render_declaration(record: RemoteClone, *, schema_path: str) -> str:
    """One declaration for `record`; `schema_path` is relative to the file being written."""
    language = record.metadata.get(LANGUAGE_KEY)
    lines = [
        SCHEMA_MODELINE.format(schema=schema_path),
        f"# imported from AudioStack clone {record.clone_id} by `voicectl import`",
        "version: 1",
        f"alias: {_scalar(record.alias)}",
        f"engine: {_scalar(record.engine)}",
        f"language: {_scalar(language if isinstance(language, str) else DEFAULT_LANGUAGE)}",
        "files:",
        *(f"  - file_id: {_scalar(file_id)}" for file_id in sorted(record.submitted_files)),
    ]
    if record.consent_file_id:
        lines.append(f"consent:\n  file_id: {_scalar(record.consent_file_id)}")
    lines.extend(_metadata(record.metadata))
    if not isinstance(language, str):
        # the remote voice has no languageCode: `language` above is a guess, so a plan
        # must not call the missing value drift (it cannot be added without an update)
        lines += ["ignore:", f"  - metadata.{LANGUAGE_KEY}  # no language on the remote voice"]
    owner = record.managed_by
    if owner is not None:
        lines.append(f"# remote marker: managed_by {owner}")
    return "\n".join(lines) + "\n"


def file_name_for(record: RemoteClone) -> str:
    return f"{record.alias}.yaml"
