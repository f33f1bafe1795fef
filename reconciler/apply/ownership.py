"""Which clone record of an alias is ours: the marker the plan stamps decides.

Pure functions over records, used by the create protocol (creating.py) before and after
its POST.
"""

from __future__ import annotations

from reconciler.model.values import (
    FILES_STAMP_KEY,
    MANAGED_BY_KEY,
    CloneId,
    CloneStatus,
    FileId,
    RemoteClone,
)
from reconciler.plan.stamp import base_file_id
from reconciler.redact import safe


def find_ours(
    records: tuple[RemoteClone, ...],
    marker: str,
    before: frozenset[CloneId] | None,
    *,
    force: bool = False,
    sent: frozenset[FileId] = frozenset(),
) -> RemoteClone | None:
    """Our usable record for the alias. `before` (the ids seen before our POST; None when
    no POST was sent) makes a *new* record of ours count even if it already failed; with
    `sent` (the fileIds our POST sent), a new record the server dropped our stamp from
    counts too (issue 11 row 5)."""
    for record in reversed(records):
        if not (record.managed_by == marker or force or _unstamped_new(record, before, sent)):
            continue
        if record.status != CloneStatus.FAILED or (
            before is not None and record.clone_id not in before
        ):
            return record
    return None


def taken_reason(records: tuple[RemoteClone, ...], marker: str) -> str | None:
    """Why the alias cannot be ours: a running or succeeded record someone else holds."""
    for record in reversed(records):
        if record.status != CloneStatus.FAILED and record.managed_by != marker:
            holder = record.managed_by
            if holder is None:
                return "alias taken (held by a clone voicectl does not manage)"
            return f"alias taken (held by {safe(holder, 80)})"
    return None


def _unstamped_new(
    record: RemoteClone, before: frozenset[CloneId] | None, sent: frozenset[FileId]
) -> bool:
    """A record that appeared after our POST, carries none of voicectl's keys (a server
    that does not keep custom metadata) and was built from exactly the files we sent, or
    shows none yet (`filesUsed` is empty while `preparing`)."""
    if before is None or record.clone_id in before or not sent:
        return False
    if MANAGED_BY_KEY in record.metadata or FILES_STAMP_KEY in record.metadata:
        return False
    files = {base_file_id(f, sent) for f in record.submitted_files}
    return not files or files == sent
