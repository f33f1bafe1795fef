"""Whose voice is an unstamped record: voicectl's own when it was made from voicectl's uploads.

voicectl stamps `managed_by` and `voicectl_files` into every clone it creates
(api-contract.md §4.4). A server that does not keep custom metadata (issue 11 row 5: the JS
SDK's create body keeps only `gender` and `languageCode`) drops both, and then every voice
voicectl made would read as someone else's. The evidence that survives is the files: every
file the record was built from (`filesUsed` ∪ `discardedFiles`, segment ids mapped back) is
an upload in voicectl's own folder named `<sha16>-<basename>`, which only voicectl writes.
Such a record is voicectl's (a *lost stamp*); the repository that made it cannot be told,
so an undeclared one stays unmanaged, never an orphan (behaviour.md §4). Pure; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from reconciler.model.values import (
    FILES_STAMP_KEY,
    LANGUAGE_KEY,
    MANAGED_BY_KEY,
    Declaration,
    FileId,
    MetaValue,
    RemoteClone,
    RemoteState,
)
from reconciler.plan.stamp import base_file_id

UPLOAD_NAME = re.compile(r"^[0-9a-f]{16}-")


class Provenance:
    """Tells lost stamps apart, for one remote state. A server keeps custom metadata or it
    does not: once any visible record carries one of voicectl's keys, the server keeps
    them, and an unstamped record is someone else's even if made from voicectl's uploads."""

    def __init__(self, remote: RemoteState) -> None:
        self._remote = remote
        self._known: set[FileId] = set(remote.files_by_id)
        self.stamps_kept = any(
            _stamped(record) for records in remote.clones.values() for record in records
        )

    def lost_stamp(self, record: RemoteClone) -> bool:
        """True when the record carries neither of voicectl's keys, no record does, and it
        was made only from files voicectl uploaded to its folder."""
        folder = self._remote.folder_id
        if self.stamps_kept or _stamped(record) or folder is None:
            return False
        submitted = {base_file_id(f, self._known) for f in record.submitted_files}
        if not submitted:  # `filesUsed` empty: nothing left to tell by
            return False
        for file_id in submitted:
            found = self._remote.files_by_id.get(file_id)
            if found is None or found.folder_id != folder or not UPLOAD_NAME.match(found.name):
                return False
        return True


def _stamped(record: RemoteClone) -> bool:
    return MANAGED_BY_KEY in record.metadata or FILES_STAMP_KEY in record.metadata


def unkept_keys(decl: Declaration, metadata: Mapping[str, MetaValue]) -> tuple[str, ...]:
    """The fields (`metadata.<key>`, `language`) of declared keys a lost-stamp record does
    not have: the server did not keep them, so they cannot be compared (absent is not
    drift there; a changed value is)."""
    declared = {**decl.metadata, LANGUAGE_KEY: decl.language}
    return tuple(
        sorted(
            "language" if k == LANGUAGE_KEY else f"metadata.{k}"
            for k in declared
            if k not in metadata
        )
    )


def lost_stamp_note(aliases: list[str]) -> str:
    """The one plan note for every voice whose stamp the server did not keep."""
    shown = ", ".join(aliases[:5]) + (f" and {len(aliases) - 5} more" if len(aliases) > 5 else "")
    they = "they count" if len(aliases) > 1 else "it counts"
    return (
        f"the server did not keep voicectl's metadata stamp on {shown}: {they} as "
        "voicectl's because made from its uploads, with files compared by filesUsed; "
        "which repository made a voice cannot be checked, so undeclared ones show as "
        "unmanaged, never as orphans"
    )
