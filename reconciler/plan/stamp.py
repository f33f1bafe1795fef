"""What voicectl stamps into a clone's metadata at create, so that later plans compare what
voicectl owns instead of what the server derives (api-contract.md §4.4).

`files_stamp` is a content fingerprint of the submitted file set and the consent file:
the sha256 of each local file (never its name or upload id) and the id of each `file_id:`
entry. The server may rewrite `filesUsed` (segment ids, empty lists) and add metadata keys;
it has no reason to touch this value. Pure; no I/O.
"""

from __future__ import annotations

import hashlib
import json
import re

from reconciler.model.values import (
    FILES_STAMP_KEY,
    MANAGED_BY_KEY,
    Declaration,
    DeclaredFile,
    FileId,
    MetaValue,
    RemoteClone,
)

STAMP_VERSION = "v1"
OWNED_KEYS = frozenset({MANAGED_BY_KEY, FILES_STAMP_KEY})  # voicectl's own, never declared
SEGMENT = re.compile(r"^(?P<file>.+)_(?P<n>\d+)$")


def _identity(entry: DeclaredFile) -> str:
    if entry.audio is not None:
        return f"sha256:{entry.audio.sha256}"
    return f"id:{entry.file_id}"


def files_stamp(decl: Declaration) -> str:
    """`v1:<32 hex>`: the fingerprint of the declared file set (order-free) and consent."""
    payload = {
        "files": sorted({_identity(e) for e in decl.files}),
        "consent": _identity(decl.consent) if decl.consent is not None else None,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return f"{STAMP_VERSION}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def stamped(metadata: dict[str, MetaValue], decl: Declaration) -> dict[str, MetaValue]:
    """The create metadata with the files stamp added."""
    return {**metadata, FILES_STAMP_KEY: files_stamp(decl)}


def remote_stamp(record: RemoteClone) -> str | None:
    value = record.metadata.get(FILES_STAMP_KEY)
    return value if isinstance(value, str) else None


def base_file_id(value: FileId, known: frozenset[FileId] | set[FileId]) -> FileId:
    """A `filesUsed` entry as the fileId it came from: `<fileId>_<n>` segment ids (JS SDK
    test mock) map back to a known fileId; anything else is kept as it is."""
    if value in known:
        return value
    found = SEGMENT.match(value)
    if found is not None and FileId(found["file"]) in known:
        return FileId(found["file"])
    return value
