"""The plan value: one classified change per alias, its one JSON shape and its checksum.

Pure: no I/O, no clock, no rendering (symbols and wording live in renderers/wording).
`Plan.to_dict()` is the only JSON shape of a plan; `checksum()` ties an apply to the
reviewed plan (behaviour.md §6).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from reconciler import __version__
from reconciler.errors import Diagnostic
from reconciler.model import Alias, Declaration, DeclaredFile, FileId, MetaValue, RemoteClone

FORMAT_VERSION = 1


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
class Discard:
    """A file the remote discarded; `path` is the repo path when it maps to a declared file."""

    file_id: FileId
    path: str | None
    reason: str


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


@dataclass(frozen=True, slots=True)
class Plan:
    """Every classified alias (sorted), plus budget facts. Built by `diff.compare`."""

    target: str
    owner: str
    changes: tuple[Change, ...]
    credits_remaining: int | None = None
    max_credits: int | None = None
    blocked_reasons: tuple[str, ...] = ()  # plan-level blocks (budget)
    notes: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    remote_fingerprint: str = ""
    base_compared: bool = False  # two sections: PR changes and pre-existing
    complete_listing: bool = True

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.changes, key=lambda c: (c.alias, c.action.value)))
        object.__setattr__(self, "changes", ordered)

    @property
    def counts(self) -> dict[Action, int]:
        counts = dict.fromkeys(Action, 0)
        for change in self.changes:
            counts[change.action] += 1
        return counts

    @property
    def cost(self) -> int:
        """Credits of every would-be write (blocked ones included: they are what was asked)."""
        return sum(c.credits for c in self.changes if c.effective in WRITE_ACTIONS)

    @property
    def blocked(self) -> bool:
        return bool(self.blocked_reasons) or any(c.action is Action.BLOCKED for c in self.changes)

    @property
    def writes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.action in WRITE_ACTIONS)

    @property
    def has_changes(self) -> bool:
        """Only create and replace are changes (adopt, drift, orphan… are not)."""
        return bool(self.writes)

    @property
    def exit_reason(self) -> str:
        if self.blocked:
            return "blocked"
        return "changes" if self.has_changes else "no_changes"

    @property
    def balance_after(self) -> int | None:
        if self.credits_remaining is None:
            return None
        return self.credits_remaining - sum(c.credits for c in self.writes)

    def change_for(self, alias: str) -> Change | None:
        return next((c for c in self.changes if c.alias == alias), None)

    def action_dicts(self) -> list[dict[str, Any]]:
        return [_action_dict(c) for c in self.changes]

    def checksum(self) -> str:
        return checksum_of(self.target, self.action_dicts())

    def action_set(self) -> tuple[str, ...]:
        """The write actions as sorted one-line descriptions (printed for a stale plan)."""
        return write_lines(self.action_dicts())

    def to_dict(
        self,
        *,
        created_at: str,
        git: Mapping[str, str | None] | None = None,
        api_url: str | None = None,
        voicectl_version: str = __version__,
    ) -> dict[str, Any]:
        """The one JSON shape (schemas/plan.schema.json); `created_at` is passed in."""
        actions = self.action_dicts()
        git = git or {}
        return {
            "format_version": FORMAT_VERSION,
            "voicectl_version": voicectl_version,
            "target": {"name": self.target, "api_url": api_url},
            "git": {"head": git.get("head"), "base": git.get("base")},
            "created_at": created_at,
            "owner": self.owner,
            "credits": {
                "cost": self.cost,
                "remaining": self.credits_remaining,
                "max": self.max_credits,
                "balance_after": self.balance_after,
            },
            "summary": {action.value: n for action, n in self.counts.items()},
            "blocked": self.blocked,
            "blocked_reasons": list(self.blocked_reasons),
            "base_compared": self.base_compared,
            "complete_listing": self.complete_listing,
            "notes": list(self.notes),
            "actions": actions,
            "diagnostics": [_diagnostic_dict(d) for d in self.diagnostics],
            "remote_fingerprint": self.remote_fingerprint,
            "exit_reason": self.exit_reason,
            "checksum": checksum_of(self.target, actions),
        }


def canonical_json(value: object) -> bytes:
    """Sorted keys, no spaces, UTF-8: the bytes every checksum is taken over."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def sha256_tag(value: object) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(value)).hexdigest()


def change_key(change: Change) -> bytes:
    """Identity of a change across two plans: everything but its origin and source line."""
    data = _action_dict(change)
    del data["origin"], data["source"]
    return canonical_json(data)


def _is_write(action: Mapping[str, Any]) -> bool:
    would_be = action["intended"] if action["action"] == Action.BLOCKED else action["action"]
    return would_be in WRITE_ACTIONS


def _file_key(entry: Mapping[str, Any] | None) -> str | None:
    if entry is None:
        return None
    return str(entry["sha256"] or entry["file_id"])


def checksum_of(target: str, actions: Sequence[Mapping[str, Any]]) -> str:
    """SHA-256 over format_version, target and the sorted write actions (JSON-shape input).

    Taken over the JSON shape so a saved plan's checksum can be re-verified from its file.
    Remote ids of already-uploaded files are left out: only the desired state counts.
    """
    writes = sorted(
        (
            {
                "action": a["action"],
                "intended": a["intended"],
                "alias": a["alias"],
                "engine": a["engine"],
                "files": sorted(str(_file_key(f)) for f in a["files"]),
                "consent": _file_key(a["consent"]),
                "metadata": a["metadata"],
                "credits": a["credits"],
            }
            for a in actions
            if _is_write(a)
        ),
        key=lambda w: (w["alias"], w["action"]),
    )
    return sha256_tag({"format_version": FORMAT_VERSION, "target": target, "writes": writes})


def write_lines(actions: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """One line per write action, e.g. `create anna-en-warm (voice_engine_3, 300 credits)`."""
    lines = []
    for a in actions:
        if not _is_write(a):
            continue
        word = f"blocked {a['intended']}" if a["action"] == Action.BLOCKED else a["action"]
        lines.append((a["alias"], f"{word} {a['alias']} ({a['engine']}, {a['credits']:,} credits)"))
    return tuple(line for _, line in sorted(lines))


def _file_dict(entry: DeclaredFile, uploaded: Mapping[str, FileId]) -> dict[str, Any]:
    audio = entry.audio
    name = entry.upload_name
    return {
        "path": entry.path,
        "sha256": audio.sha256 if audio else None,
        "bytes": audio.bytes if audio else None,
        "duration_s": audio.duration_s if audio else None,
        "file_id": entry.file_id or (uploaded.get(name) if name else None),
    }


def _action_dict(change: Change) -> dict[str, Any]:
    decl = change.declared
    uploaded = dict(change.uploaded)
    remote = change.remote
    return {
        "action": change.action.value,
        "intended": change.intended.value if change.intended else None,
        "alias": change.alias,
        "engine": change.engine,
        "origin": change.origin.value,
        "source": {"path": decl.source.path, "line": decl.source.line} if decl else None,
        "credits": change.credits,
        "files": [_file_dict(f, uploaded) for f in decl.files] if decl else [],
        "consent": _file_dict(decl.consent, uploaded) if decl and decl.consent else None,
        "metadata": dict(change.metadata),
        "reasons": list(change.reasons),
        "fields": [
            {"path": f.path, "declared": _json_value(f.declared), "remote": _json_value(f.remote)}
            for f in change.fields
        ],
        "discarded": [
            {"file_id": d.file_id, "path": d.path, "reason": d.reason} for d in change.discarded
        ],
        "remote": None
        if remote is None
        else {
            "clone_id": remote.clone_id,
            "status": remote.status,
            "managed_by": remote.managed_by,
            "fail_reason": remote.fail_reason,
        },
        "blocked_reason": change.blocked_reason,
        "hint": change.hint,
    }


def _json_value(value: FieldValue) -> MetaValue | list[str] | None:
    return list(value) if isinstance(value, tuple) else value


def _diagnostic_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    loc = diagnostic.location
    return {
        "path": loc.path,
        "line": loc.line,
        "col": loc.col,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
        "code": diagnostic.code,
    }
