"""Which clone record of an alias is ours: the marker the plan stamps decides.

Pure functions over records, used by the create protocol (creating.py) before and after
its POST.
"""

from __future__ import annotations

from reconciler.model.values import CloneId, CloneStatus, RemoteClone
from reconciler.redact import safe


def find_ours(
    records: tuple[RemoteClone, ...],
    marker: str,
    before: frozenset[CloneId] | None,
    *,
    force: bool = False,
) -> RemoteClone | None:
    """Our usable record for the alias. `before` (the ids seen before our POST; None when
    no POST was sent) makes a *new* record of ours count even if it already failed."""
    for record in reversed(records):
        if not (record.managed_by == marker or force):
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
