"""PURE diff: declarations + remote state + policy → Plan (behaviour.md §4).

Classifies each alias into an Action. No I/O, clock, environment or logging. What is
compared (the essence of files and metadata, and deepdiff) lives in essence.py.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from reconciler.model.enginetable import engine_limits
from reconciler.model.errors import Diagnostic
from reconciler.model.quality import VoiceQuality
from reconciler.model.values import (
    LANGUAGE_KEY,
    MANAGED_BY_KEY,
    AdoptMode,
    Alias,
    CloneStatus,
    Declaration,
    MetaValue,
    RemoteClone,
    RemoteState,
    current_record,
    owner_marker,
)
from reconciler.plan.change import Action, Change, FieldDiff
from reconciler.plan.essence import (
    FileMatcher,
    compare_essence,
    remote_fingerprint,
    server_only_metadata,
)
from reconciler.plan.hints import rename_hints
from reconciler.plan.policy import (
    Policy,
    apply_budget,
    block_change,
    block_pr_edits,
    mark_origins,
    replaced_protected,
)
from reconciler.plan.provenance import Provenance, lost_stamp_note, unkept_keys
from reconciler.plan.stamp import stamped
from reconciler.plan.value import DRIFT_ACTIONS, Plan

__all__ = ["DRIFT_HINT", "Policy", "clone_metadata", "compare", "compare_pr"]

DRIFT_HINT = "create a new alias with `replaces: {alias}` or add the field to `ignore:`"
FAILED_HINT = "change the declaration or run with --retry-failed"
STRICT_HINT = (
    "replace the files under a new alias with `replaces: {alias}`, or accept the voice "
    "with `strict_files: false`"
)
ORPHAN_REASON = "no longer declared; the API cannot delete it, so nothing happens"
INCOMPLETE_NOTE = "remote listing incomplete: orphaned and unmanaged voices unknown"
LOST_REASON = "made from voicectl's uploads; the server did not keep its stamp"
UNDECLARED_LOST = "not declared; made from voicectl's uploads, but by which repository is unknown"


def clone_metadata(decl: Declaration, owner: str) -> dict[str, MetaValue]:
    """The metadata a create sends: declared metadata, languageCode, our marker and the
    files stamp (api-contract.md §4.4)."""
    owned = {**decl.metadata, LANGUAGE_KEY: decl.language, MANAGED_BY_KEY: owner_marker(owner)}
    return stamped(owned, decl)


def compare(
    declared: Sequence[Declaration],
    remote: RemoteState,
    policy: Policy,
    *,
    warnings: Sequence[Diagnostic] = (),
    quality: Sequence[VoiceQuality] = (),
) -> Plan:
    """Classify every declared alias (and every remote one when the listing is complete).
    `warnings` (load warnings of the declarations) and `quality` (their audio figures)
    travel with the plan."""
    changes = _classify(declared, remote, policy)
    return _finish(
        changes, declared, remote, policy, base_compared=False, warnings=warnings, quality=quality
    )


def compare_pr(
    head: Sequence[Declaration],
    base: Sequence[Declaration],
    remote: RemoteState,
    policy: Policy,
    *,
    warnings: Sequence[Diagnostic] = (),
    quality: Sequence[VoiceQuality] = (),
) -> Plan:
    """Plan head and base against the same remote; split PR changes from pre-existing ones."""
    changes = mark_origins(_classify(head, remote, policy), _classify(base, remote, policy))
    changes = block_pr_edits(changes, head, base)
    declared = [*head, *base]
    return _finish(
        changes, declared, remote, policy, base_compared=True, warnings=warnings, quality=quality
    )


def _finish(
    changes: list[Change],
    declared: Sequence[Declaration],
    remote: RemoteState,
    policy: Policy,
    *,
    base_compared: bool,
    warnings: Sequence[Diagnostic],
    quality: Sequence[VoiceQuality],
) -> Plan:
    changes = rename_hints([c for c in changes if policy.shows(c.alias)])
    reserved = sum(c.credits for c in changes if c.action is Action.PENDING)
    remaining = remote.credits_remaining
    available = None if remaining is None else remaining - reserved  # running clones' share
    changes, budget = apply_budget(changes, policy.max_credits, available)
    if policy.drift_check:
        changes = [c for c in changes if c.effective in DRIFT_ACTIONS or c.action is Action.NOOP]
    return Plan(
        target=policy.target,
        owner=policy.owner,
        changes=tuple(changes),
        credits_remaining=remote.credits_remaining,
        max_credits=policy.max_credits,
        blocked_reasons=budget,
        notes=_notes(changes, remote),
        remote_fingerprint=remote_fingerprint(declared, remote),
        base_compared=base_compared,
        complete_listing=remote.complete_listing,
        diagnostics=tuple(warnings),
        drift_check=policy.drift_check,
        quality=tuple(q for q in quality if policy.shows(q.alias)),
    )


def _notes(changes: Sequence[Change], remote: RemoteState) -> tuple[str, ...]:
    """The plan's notes, each said once: an incomplete listing, lost stamps (row 5)."""
    notes = [] if remote.complete_listing else [INCOMPLETE_NOTE]
    provenance = Provenance(remote)
    lost = [
        c.alias
        for c in changes
        if c.declared is not None and c.remote is not None and provenance.lost_stamp(c.remote)
    ]
    if lost:
        notes.append(lost_stamp_note(sorted(lost)))
    return tuple(notes)


def _classify(declared: Sequence[Declaration], remote: RemoteState, policy: Policy) -> list[Change]:
    by_alias = {d.alias: d for d in declared}
    protected = {d.alias for d in declared if d.protect}
    replaced = {d.replaces for d in declared if d.replaces}
    provenance = Provenance(remote)
    changes = [_classify_declared(d, remote, policy, protected, provenance) for d in declared]
    for alias, records in remote.clones.items():
        current = current_record(records)
        if current is None or alias in by_alias:
            continue
        # without a complete listing only explicitly replaced aliases were read on purpose
        if remote.complete_listing or alias in replaced:
            changes.append(_classify_undeclared(alias, current, provenance, policy))
    return changes


def _classify_undeclared(
    alias: Alias, current: RemoteClone, provenance: Provenance, policy: Policy
) -> Change:
    metadata = dict(current.metadata)
    if current.managed_by == policy.marker and policy.in_scope(alias):
        running = () if current.status == CloneStatus.SUCCEEDED else (f"clone {current.status}",)
        reasons = (ORPHAN_REASON, *running)
        return Change(Action.ORPHAN, alias, remote=current, reasons=reasons, metadata=metadata)
    owner = current.managed_by
    reason = f"stamped by {owner}" if owner else "not declared and not stamped by voicectl"
    if provenance.lost_stamp(current):
        reason = UNDECLARED_LOST
    return Change(Action.UNMANAGED, alias, remote=current, reasons=(reason,), metadata=metadata)


def _classify_declared(
    decl: Declaration,
    remote: RemoteState,
    policy: Policy,
    protected: set[Alias],
    provenance: Provenance,
) -> Change:
    current = current_record(remote.clones.get(decl.alias, ()))
    change = _classify_record(decl, current, remote, policy, provenance)
    claims = change.action in (Action.CREATE, Action.REPLACE, Action.ADOPT)
    if claims and not policy.in_scope(decl.alias):
        change = block_change(change, f"alias {decl.alias} is outside this repository's scope")
    if change.action is Action.REPLACE and decl.replaces in protected:
        change = replaced_protected(change, decl.replaces)
    return change


def _classify_record(
    decl: Declaration,
    current: RemoteClone | None,
    remote: RemoteState,
    policy: Policy,
    provenance: Provenance,
) -> Change:
    limits = engine_limits(decl.engine)
    credits = limits.credits if limits else 0
    matcher = FileMatcher(decl, remote)
    base = Change(
        Action.NOOP,
        decl.alias,
        declared=decl,
        remote=current,
        metadata=clone_metadata(decl, policy.owner),
        uploaded=matcher.uploaded,
        discarded=matcher.discards(current),
    )
    if current is None:
        return _write(base, decl, remote, credits, "not on the remote")
    lost = provenance.lost_stamp(current)  # voicectl's, but the server dropped the stamp
    unkept = unkept_keys(decl, current.metadata) if lost else ()
    fields = compare_essence(decl, current, matcher, unkept=frozenset(unkept))
    failure = f"previous clone failed: {current.fail_reason or 'no reason given'}"
    if current.status == CloneStatus.FAILED:
        if fields:
            return _write(base, decl, remote, credits, failure, "declaration changed since")
        if policy.retry_failed:
            return _write(base, decl, remote, credits, failure, "retrying (--retry-failed)")
        return _with(base, Action.FAILED, failure, hint=FAILED_HINT)
    owner = current.managed_by
    foreign = (f"stamped by {owner}",) if owner and owner != policy.marker else ()
    if current.status != CloneStatus.SUCCEEDED:
        reason = f"clone {current.status}; picked up by the next run"
        return _with(base, Action.PENDING, reason, *foreign, credits=credits)
    if fields:
        names = ", ".join(f.path for f in fields)
        hint = DRIFT_HINT.format(alias=decl.alias)
        reason = f"differs from the declaration: {names}"
        return _with(base, Action.DRIFT, reason, *foreign, fields=fields, hint=hint)
    if decl.strict_files and current.discarded:  # created and charged, but not acceptable
        count = len(current.discarded)
        return _with(
            base,
            Action.FAILED,
            f"strict_files: the server discarded {count} file(s)",
            hint=STRICT_HINT.format(alias=decl.alias),
        )
    if owner == policy.marker or lost:
        return replace(base, reasons=_own_reasons(decl, current, lost, unkept))
    if owner is None:
        return _with(base, Action.ADOPT, "matches the declaration; not stamped by voicectl")
    if decl.adopt == AdoptMode.FORCE:
        return _with(base, Action.ADOPT, f"stamped by {owner}; adopted with `adopt: force`")
    adopt = _with(base, Action.ADOPT, f"stamped by {owner}")
    return block_change(adopt, f"stamped by {owner}; add `adopt: force` to adopt it")


def _own_reasons(
    decl: Declaration, current: RemoteClone, lost: bool, unkept: tuple[str, ...]
) -> tuple[str, ...]:
    """What `--detail full` shows under an unchanged voice of ours; never drift."""
    reasons = []
    if lost:
        kept = f"; not kept by the server: {', '.join(unkept)}" if unkept else ""
        reasons.append(LOST_REASON + kept)
    extra = server_only_metadata(decl, current)
    if extra:
        shown = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in extra.items())
        reasons.append(f"server metadata (not compared): {shown}")
    return tuple(reasons)


def _with(
    base: Change,
    action: Action,
    *reasons: str,
    credits: int = 0,
    fields: tuple[FieldDiff, ...] = (),
    hint: str | None = None,
) -> Change:
    return replace(base, action=action, credits=credits, reasons=reasons, fields=fields, hint=hint)


def _write(
    base: Change, decl: Declaration, remote: RemoteState, credits: int, *reasons: str
) -> Change:
    if decl.replaces is None:
        return _with(base, Action.CREATE, *reasons, credits=credits)
    old = decl.replaces
    state = "becomes an orphan" if old in remote.clones else "is not on the remote"
    return _with(base, Action.REPLACE, *reasons, f"replaces {old}; {old} {state}", credits=credits)
