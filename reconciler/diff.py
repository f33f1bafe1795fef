"""PURE diff: declarations + remote state + policy → Plan (behaviour.md §4).

No I/O, clock, environment or logging. Essences are compared, not payloads; deepdiff is
used here only, on metadata, and its objects are turned into FieldDiff at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import replace

from reconciler.engines import engine_limits
from reconciler.model import (
    LANGUAGE_KEY,
    MANAGED_BY_KEY,
    Alias,
    Declaration,
    FileId,
    MetaValue,
    RemoteClone,
    RemoteState,
    current_record,
)
from reconciler.plan import Action, Change, Discard, FieldDiff, FieldValue, Plan, sha256_tag
from reconciler.policy import (
    Policy,
    apply_budget,
    block_change,
    block_pr_edits,
    mark_origins,
)

__all__ = ["DRIFT_HINT", "Policy", "clone_metadata", "compare", "compare_pr"]

DRIFT_HINT = "create a new alias with `replaces: {alias}` or add the field to `ignore:`"
FAILED_HINT = "change the declaration or run with --retry-failed"
ORPHAN_REASON = "no longer declared; the API cannot delete it, so nothing happens"
INCOMPLETE_NOTE = "remote listing incomplete: orphaned and unmanaged voices unknown"
_UPLOAD_NAME = re.compile(r"^[0-9a-f]{16}-")


def clone_metadata(decl: Declaration, owner: str) -> dict[str, MetaValue]:
    """The metadata a create sends: declared metadata, languageCode and our marker."""
    return {**decl.metadata, LANGUAGE_KEY: decl.language, MANAGED_BY_KEY: Policy(owner).marker}


def compare(declared: Sequence[Declaration], remote: RemoteState, policy: Policy) -> Plan:
    """Classify every declared alias (and every remote one when the listing is complete)."""
    return _finish(_classify(declared, remote, policy), declared, remote, policy, False)


def compare_pr(
    head: Sequence[Declaration],
    base: Sequence[Declaration],
    remote: RemoteState,
    policy: Policy,
) -> Plan:
    """Plan head and base against the same remote; split PR changes from pre-existing ones."""
    changes = mark_origins(_classify(head, remote, policy), _classify(base, remote, policy))
    changes = block_pr_edits(changes, head, base)
    return _finish(changes, [*head, *base], remote, policy, True)


def _finish(
    changes: list[Change],
    declared: Sequence[Declaration],
    remote: RemoteState,
    policy: Policy,
    base_compared: bool,
) -> Plan:
    changes, budget = apply_budget(changes, policy.max_credits, remote.credits_remaining)
    return Plan(
        target=policy.target,
        owner=policy.owner,
        changes=tuple(changes),
        credits_remaining=remote.credits_remaining,
        max_credits=policy.max_credits,
        blocked_reasons=budget,
        notes=() if remote.complete_listing else (INCOMPLETE_NOTE,),
        remote_fingerprint=_fingerprint(declared, remote),
        base_compared=base_compared,
        complete_listing=remote.complete_listing,
    )


def _classify(declared: Sequence[Declaration], remote: RemoteState, policy: Policy) -> list[Change]:
    by_alias = {d.alias: d for d in declared}
    protected = {d.alias for d in declared if d.protect}
    replaced = {d.replaces for d in declared if d.replaces}
    changes = [_classify_declared(d, remote, policy, protected) for d in declared]
    for alias, records in remote.clones.items():
        current = current_record(records)
        if current is None or alias in by_alias:
            continue
        # without a complete listing only explicitly replaced aliases were read on purpose
        if remote.complete_listing or alias in replaced:
            changes.append(_classify_undeclared(alias, current, policy))
    return changes


def _classify_undeclared(alias: Alias, current: RemoteClone, policy: Policy) -> Change:
    metadata = dict(current.metadata)
    if current.managed_by == policy.marker and policy.in_scope(alias):
        running = () if current.status == "succeeded" else (f"clone {current.status}",)
        reasons = (ORPHAN_REASON, *running)
        return Change(Action.ORPHAN, alias, remote=current, reasons=reasons, metadata=metadata)
    owner = current.managed_by
    reason = f"stamped by {owner}" if owner else "not declared and not stamped by voicectl"
    return Change(Action.UNMANAGED, alias, remote=current, reasons=(reason,), metadata=metadata)


def _classify_declared(
    decl: Declaration, remote: RemoteState, policy: Policy, protected: set[Alias]
) -> Change:
    current = current_record(remote.clones.get(decl.alias, ()))
    change = _classify_record(decl, current, remote, policy)
    claims = change.action in (Action.CREATE, Action.REPLACE, Action.ADOPT)
    if claims and not policy.in_scope(decl.alias):
        change = block_change(change, f"alias {decl.alias} is outside this repository's scope")
    if change.action is Action.REPLACE and decl.replaces in protected:
        change = block_change(change, f"replaces protected voice {decl.replaces}")
    return change


def _classify_record(
    decl: Declaration, current: RemoteClone | None, remote: RemoteState, policy: Policy
) -> Change:
    limits = engine_limits(decl.engine)
    credits = limits.credits if limits else 0
    matcher = _FileMatcher(decl, remote)
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
    fields = _compare_essence(decl, current, matcher)
    failure = f"previous clone failed: {current.fail_reason or 'no reason given'}"
    if current.status == "failed":
        if fields:
            return _write(base, decl, remote, credits, failure, "declaration changed since")
        if policy.retry_failed:
            return _write(base, decl, remote, credits, failure, "retrying (--retry-failed)")
        return _with(base, Action.FAILED, failure, hint=FAILED_HINT)
    owner = current.managed_by
    foreign = (f"stamped by {owner}",) if owner and owner != policy.marker else ()
    if current.status != "succeeded":
        reason = f"clone {current.status}; picked up by the next run"
        return _with(base, Action.PENDING, reason, *foreign, credits=credits)
    if fields:
        names = ", ".join(f.path for f in fields)
        hint = DRIFT_HINT.format(alias=decl.alias)
        reason = f"differs from the declaration: {names}"
        return _with(base, Action.DRIFT, reason, *foreign, fields=fields, hint=hint)
    if owner == policy.marker:
        return base
    if owner is None:
        return _with(base, Action.ADOPT, "matches the declaration; not stamped by voicectl")
    if decl.adopt == "force":
        return _with(base, Action.ADOPT, f"stamped by {owner}; adopted with `adopt: force`")
    adopt = _with(base, Action.ADOPT, f"stamped by {owner}")
    return block_change(adopt, f"stamped by {owner}; add `adopt: force` to adopt it")


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


class _FileMatcher:
    """Maps remote fileIds to declared files: by declared fileId or by `<sha16>-` name."""

    def __init__(self, decl: Declaration, remote: RemoteState) -> None:
        self.remote = remote
        self.declared: dict[str, str] = {}  # identity → label (repo path or fileId)
        self.paths: dict[str, str] = {}  # identity → repo path, local files only
        self.declared_ids: set[FileId] = set()
        uploaded = []
        for entry in decl.files:
            if entry.file_id is not None:
                self.declared_ids.add(entry.file_id)
                self.declared[f"id:{entry.file_id}"] = entry.file_id
            elif entry.audio is not None and entry.path is not None:
                key = f"sha:{entry.audio.sha256[:16]}"
                self.declared[key] = self.paths[key] = entry.path
        for entry in (*decl.files, *((decl.consent,) if decl.consent else ())):
            found = remote.files_by_name.get(entry.upload_name or "")
            if found is not None and found.status == "uploaded":
                uploaded.append((found.name, found.file_id))
        self.uploaded = tuple(sorted(uploaded))

    def identity(self, file_id: FileId) -> tuple[str, str]:
        if file_id in self.declared_ids:
            return f"id:{file_id}", file_id
        found = self.remote.files_by_id.get(file_id)
        if found is not None and _UPLOAD_NAME.match(found.name):
            return f"sha:{found.name[:16]}", found.name
        return f"unknown:{file_id}", file_id

    def discards(self, record: RemoteClone | None) -> tuple[Discard, ...]:
        if record is None:
            return ()
        out = []
        for file_id, reason in sorted(record.discarded.items()):
            key, _ = self.identity(file_id)
            out.append(Discard(file_id, self.paths.get(key), reason))
        # repo paths first, in path order: what the user can act on
        return tuple(sorted(out, key=lambda d: (d.path is None, d.path or "", d.file_id)))

    def files_diff(self, record: RemoteClone) -> FieldDiff | None:
        remote = dict(self.identity(fid) for fid in record.submitted_files)
        if remote.keys() == self.declared.keys():
            return None
        only_declared = tuple(sorted(self.declared[k] for k in self.declared.keys() - remote))
        only_remote = tuple(sorted(remote[k] for k in remote.keys() - self.declared.keys()))
        return FieldDiff("files", only_declared, only_remote)


def _compare_essence(
    decl: Declaration, record: RemoteClone, matcher: _FileMatcher
) -> tuple[FieldDiff, ...]:
    ignored = set(decl.ignore)
    fields: list[FieldDiff] = []
    if "engine" not in ignored and decl.engine != record.engine:
        fields.append(FieldDiff("engine", decl.engine, record.engine))
    files = None if "files" in ignored else matcher.files_diff(record)
    if files is not None:
        fields.append(files)
    if "metadata" not in ignored:
        fields.extend(_metadata_diff(decl, record, ignored))
    return tuple(fields)


def _field_path(key: str) -> str:
    return "language" if key == LANGUAGE_KEY else f"metadata.{key}"


def _nfc(value: MetaValue) -> MetaValue:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def _essence(metadata: Mapping[str, MetaValue], ignored: set[str]) -> dict[str, MetaValue]:
    out = {}
    for key, value in metadata.items():
        norm = unicodedata.normalize("NFC", key)
        # `metadata.languageCode` is how `ignore:` names the language (import writes it)
        if norm != MANAGED_BY_KEY and not {_field_path(norm), f"metadata.{norm}"} & ignored:
            out[norm] = _nfc(value)
    return out


def _metadata_diff(decl: Declaration, record: RemoteClone, ignored: set[str]) -> list[FieldDiff]:
    declared = _essence({**decl.metadata, LANGUAGE_KEY: decl.language}, ignored)
    remote = _essence(record.metadata, ignored)
    if declared == remote:  # fast path: same verdict as deepdiff (1 == 1.0), 100x cheaper
        return []
    from deepdiff import DeepDiff  # imported on the slow path only: ~20 ms per CLI start

    # threshold 0: always compare key by key, even when no key is shared (else deepdiff
    # reports one change of the whole mapping, with an empty path)
    tree = DeepDiff(
        declared,
        remote,
        view="tree",
        ignore_numeric_type_changes=True,
        threshold_to_diff_deeper=0,
    )
    fields = [
        FieldDiff(
            _field_path(str(level.path(output_format="list")[0])),
            _plain(level.t1),
            _plain(level.t2),
        )
        for report in tree.values()
        for level in report
    ]
    return sorted(fields, key=lambda f: f.path)


def _plain(value: object) -> FieldValue:
    from deepdiff.helper import notpresent

    if value is notpresent:
        return None
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _fingerprint(declared: Sequence[Declaration], remote: RemoteState) -> str:
    """Hash of the remote essence behind the declared aliases (informational)."""
    aliases = sorted({d.alias for d in declared} | {d.replaces for d in declared if d.replaces})
    records = {
        alias: [
            {
                "clone_id": r.clone_id,
                "status": r.status,
                "engine": r.engine,
                "files": sorted(r.submitted_files),
                "metadata": dict(r.metadata),
            }
            for r in remote.clones.get(alias, ())
        ]
        for alias in aliases
    }
    return sha256_tag(records)
