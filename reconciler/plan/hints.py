"""Hints a plan adds across aliases: a create that looks like a rename, a protected voice.

PURE: plan values in, plan values out. A create whose audio (the files stamp) is the
audio of a voice that became an orphan in the same plan is, most likely, an alias that
was renamed: the API cannot rename a clone, so the hint says how to say it (`replaces:`).
A change blocked by `protect: true` says how to retire a protected voice on purpose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from reconciler.plan.change import Action, Change
from reconciler.plan.stamp import files_stamp, remote_stamp

RENAME_HINT = (
    "same audio as {old}, which is no longer declared: if this is a rename, add "
    "`replaces: {old}` to {path} (the API cannot rename a clone; a new clone is still "
    "created and {old} becomes an orphan)"
)
RENAMED_HINT = "declared again as {new}? add `replaces: {alias}` to {path}"
PROTECT_HINTS = {
    "deleted": (
        "to retire {alias} on purpose, first merge a change that removes `protect: true` "
        "from it, then delete its declaration in a second pull request"
    ),
    "replaced": (
        "to replace {alias} on purpose, first merge a change that removes `protect: true` "
        "from it, then add `replaces: {alias}` in a second pull request"
    ),
    "edited": (
        "`protect: true` keeps the engine and files of {alias}: revert them, or declare the "
        "new audio under a new alias"
    ),
}


def rename_hints(changes: Sequence[Change]) -> list[Change]:
    """Give a create and the orphan with the same audio a hint naming each other."""
    orphans: dict[str, Change] = {}
    for change in changes:
        stamp = remote_stamp(change.remote) if change.remote is not None else None
        if change.effective is Action.ORPHAN and stamp is not None:
            orphans.setdefault(stamp, change)
    if not orphans:
        return list(changes)
    renamed: dict[str, Change] = {}  # orphan alias → the create that took its audio
    out = []
    for change in changes:
        old = _renamed_from(change, orphans)
        if old is None or change.declared is None or old.alias in renamed:
            out.append(change)
            continue
        renamed[old.alias] = change
        path = change.declared.source.path
        out.append(replace(change, hint=RENAME_HINT.format(old=old.alias, path=path)))
    return [_orphan_hint(c, renamed) for c in out]


def _renamed_from(change: Change, orphans: dict[str, Change]) -> Change | None:
    if change.action is not Action.CREATE or change.declared is None or change.hint:
        return None
    return orphans.get(files_stamp(change.declared))


def _orphan_hint(change: Change, renamed: dict[str, Change]) -> Change:
    new = renamed.get(change.alias)
    if new is None or new.declared is None or change.hint:  # a protect hint says more
        return change
    path = new.declared.source.path
    return replace(change, hint=RENAMED_HINT.format(new=new.alias, alias=change.alias, path=path))


def protect_hint(change: Change, kind: str, alias: str) -> Change:
    """The hint of a change blocked by `protect: true`: `kind` is deleted, replaced or
    edited, `alias` the protected voice."""
    return replace(change, hint=PROTECT_HINTS[kind].format(alias=alias))
