"""What a plan says about one alias: the Action and Origin enums, FieldDiff, Discard, Change.

Pure values: no I/O, no JSON shape (planjson.py) and no wording or symbols (renderers).
`reconciler.plan.value` re-exports every name here; the plan itself lives there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from reconciler.model.values import Alias, Declaration, Discard, FileId, MetaValue, RemoteClone


class Action(StrEnum):
    CREATE = "create"
    ADOPT = "adopt"
    DRIFT = "drift"
    REPLACE = "replace"
    PENDING = "pending"
    FAILED = "failed"
    ORPHAN = "orphan"
    UNMANAGED = "unmanaged"
    BLOCKED = "blocked"
    NOOP = "noop"


WRITE_ACTIONS = frozenset({Action.CREATE, Action.REPLACE})


class Origin(StrEnum):
    PR = "pr"  # only in the head plan: caused by this pull request
    EXISTING = "existing"  # also in the base plan: pre-existing


FieldValue = MetaValue | tuple[str, ...] | None
"""A compared value: a metadata value, a file-label list (files), or None for "absent"."""


@dataclass(frozen=True, slots=True)
class FieldDiff:
    """One field whose remote value differs: path like `engine`, `files`, `metadata.accent`."""

    path: str
    declared: FieldValue
    remote: FieldValue


@dataclass(frozen=True, slots=True)
class Change:
    """What the plan says about one alias."""

    action: Action
    alias: Alias
    origin: Origin = Origin.PR
    declared: Declaration | None = None
    remote: RemoteClone | None = None  # the current record, if any
    credits: int = 0
    reasons: tuple[str, ...] = ()
    fields: tuple[FieldDiff, ...] = ()
    discarded: tuple[Discard, ...] = ()
    intended: Action | None = None  # for BLOCKED: the action it would have been
    blocked_reason: str | None = None
    hint: str | None = None
    # what a create sends (declared) or what the remote holds (undeclared)
    metadata: Mapping[str, MetaValue] = field(default_factory=dict)
    uploaded: tuple[tuple[str, FileId], ...] = ()  # upload name → fileId already uploaded

    @property
    def effective(self) -> Action:
        """The would-be action: `intended` for a blocked change, else `action`."""
        if self.action is Action.BLOCKED and self.intended is not None:
            return self.intended
        return self.action

    @property
    def engine(self) -> str | None:
        if self.declared is not None:
            return self.declared.engine
        return self.remote.engine if self.remote is not None else None
