"""Policy rules applied to classified changes: ownership, scope, budget, pull-request blocks.

Pure functions over plan values, called by `diff.compare` / `diff.compare_pr` after each
alias was classified. No I/O, no deepdiff (that stays in essence.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase

from reconciler.model.values import Alias, Declaration, DeclaredFile, owner_marker
from reconciler.plan.change import WRITE_ACTIONS, Action, Change, Origin
from reconciler.plan.hints import protect_hint
from reconciler.plan.planjson import change_key

IMMUTABLE_HINT = "immutable field changed: use a new alias with replaces:"


@dataclass(frozen=True, slots=True)
class Policy:
    """Everything the diff needs besides declarations and remote state."""

    owner: str  # stamped as metadata.managed_by = "voicectl:<owner>"
    target: str = "default"
    scope: tuple[str, ...] = ()  # alias globs; empty: what this repo declares or stamps
    max_credits: int | None = None  # None: no cap besides the remote balance
    retry_failed: bool = False
    # declared but not selected (another target, a selector): never orphans, not shown
    hidden: frozenset[str] = frozenset()
    only: frozenset[str] | None = None  # with `--only`: the only aliases the plan shows
    drift_check: bool = False  # `voicectl drift`: the plan keeps drift (and no-ops) only

    def shows(self, alias: str) -> bool:
        return alias not in self.hidden and (self.only is None or alias in self.only)

    @property
    def marker(self) -> str:
        return owner_marker(self.owner)

    def in_scope(self, alias: str) -> bool:
        return not self.scope or any(fnmatchcase(alias, glob) for glob in self.scope)


def block_change(change: Change, reason: str, *, origin: Origin | None = None) -> Change:
    """Turn a change into `blocked`, keeping its would-be action and credits.

    An already blocked change keeps its first reason (the earliest rule explains it best).
    """
    if change.action is Action.BLOCKED:
        return change if origin is None else replace(change, origin=origin)
    return replace(
        change,
        action=Action.BLOCKED,
        intended=change.action,
        blocked_reason=reason,
        origin=change.origin if origin is None else origin,
    )


def apply_budget(
    changes: Sequence[Change], max_credits: int | None, remaining: int | None
) -> tuple[list[Change], tuple[str, ...]]:
    """Block every write when the cost exceeds the cap or the balance (behaviour.md §5)."""
    cost = sum(c.credits for c in changes if c.effective in WRITE_ACTIONS)
    reasons = []
    if max_credits is not None and cost > max_credits:
        reasons.append(f"cost {cost:,} credits exceeds max credits {max_credits:,}")
    if remaining is not None and cost > remaining:
        reasons.append(
            f"cost {cost:,} credits exceeds the {remaining:,} credits remaining"
            " (after the clones still running)"
            if any(c.action is Action.PENDING for c in changes)
            else f"cost {cost:,} credits exceeds the {remaining:,} credits remaining"
        )
    if not reasons:
        return list(changes), ()
    reason = "over budget: " + "; ".join(reasons)
    out = [block_change(c, reason) if c.action in WRITE_ACTIONS else c for c in changes]
    return out, tuple(reasons)


def mark_origins(head: Iterable[Change], base: Iterable[Change]) -> list[Change]:
    """A head change also in the base plan (same action, files, metadata…) is pre-existing."""
    base_keys = {change_key(c) for c in base}
    return [
        replace(c, origin=Origin.EXISTING if change_key(c) in base_keys else Origin.PR)
        for c in head
    ]


def _file_identity(entry: DeclaredFile) -> tuple[str | None, str | None, str | None]:
    return (entry.path, entry.audio.sha256 if entry.audio else None, entry.file_id)


def _content(decl: Declaration) -> tuple[object, ...]:
    """Engine and file set: what `protect: true` forbids changing."""
    return (decl.engine, frozenset(_file_identity(f) for f in decl.files))


def _essence(decl: Declaration) -> tuple[object, ...]:
    """Everything a PR can edit in a declaration, without source locations."""
    consent = _file_identity(decl.consent) if decl.consent else None
    metadata = tuple(sorted((k, repr(v)) for k, v in decl.metadata.items()))
    return (
        *_content(decl),
        decl.language,
        consent,
        metadata,
        decl.protect,
        tuple(decl.ignore),
        decl.strict_files,
        decl.replaces,
        decl.adopt,
        tuple(decl.targets),
    )


def block_pr_edits(
    changes: Sequence[Change], head: Sequence[Declaration], base: Sequence[Declaration]
) -> list[Change]:
    """Pull-request rules: protected declarations, and drift on an alias the PR edits.

    Drift that is only pre-existing never blocks; blocks caused here are the PR's own.
    """
    head_by = {d.alias: d for d in head}
    base_by = {d.alias: d for d in base}
    protected = {alias for alias, d in base_by.items() if d.protect}
    out: list[Change] = []
    for change in changes:
        old, new = base_by.get(change.alias), head_by.get(change.alias)
        out.append(_pr_blocked(change, old, new, protected))
    seen = {c.alias for c in out}
    for alias in sorted(protected - head_by.keys() - seen):
        # a protected declaration deleted while its voice is not (or not visibly) remote
        decl = base_by[alias]
        deleted = Change(
            action=Action.BLOCKED,
            alias=Alias(alias),
            declared=decl,
            reasons=("declaration deleted",),
            blocked_reason=_deleted(alias),
        )
        out.append(protect_hint(deleted, "deleted", alias))
    return out


def _pr_blocked(
    change: Change, old: Declaration | None, new: Declaration | None, protected: set[Alias]
) -> Change:
    """The change as the pull-request rules leave it: blocked (with a hint) or as it was."""
    if old is not None and old.protect and new is None:
        blocked = block_change(change, _deleted(change.alias), origin=Origin.PR)
        return protect_hint(blocked, "deleted", change.alias)
    if new is None:
        return change
    if old is not None and old.protect and _content(old) != _content(new):
        reason = f"protected voice {change.alias}: engine or files changed"
        blocked = block_change(change, reason, origin=Origin.PR)
        return protect_hint(blocked, "edited", change.alias)
    if change.action is Action.REPLACE and new.replaces in protected:
        return replaced_protected(change, new.replaces, origin=Origin.PR)
    if change.action is Action.DRIFT and (old is None or _essence(old) != _essence(new)):
        return block_change(change, IMMUTABLE_HINT, origin=Origin.PR)
    return change


def replaced_protected(change: Change, old: str, *, origin: Origin | None = None) -> Change:
    """A replace of a `protect: true` voice: blocked, with the way to do it on purpose."""
    blocked = block_change(change, f"replaces protected voice {old}", origin=origin)
    return protect_hint(blocked, "replaced", old)


def _deleted(alias: str) -> str:
    return f"protected voice {alias}: its declaration was deleted (protect: true)"
