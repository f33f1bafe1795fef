"""The plan value: every classified change (sorted by alias) plus budget facts.

Pure: no I/O, no clock, no rendering (symbols and wording live in renderers/wording).
`Plan.to_dict()` is the only JSON shape of a plan; `checksum()` ties an apply to the
reviewed plan (behaviour.md §6). Re-exports change.py and the checksum names of planjson.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from reconciler import __version__
from reconciler.model.errors import Diagnostic
from reconciler.model.quality import VoiceQuality
from reconciler.model.values import Discard
from reconciler.plan.change import (
    WRITE_ACTIONS,
    Action,
    Change,
    FieldDiff,
    FieldValue,
    Origin,
)
from reconciler.plan.planjson import (
    FORMAT_VERSION,
    action_dict,
    canonical_json,
    change_key,
    checksum_of,
    diagnostic_dict,
    sha256_tag,
    write_lines,
)
from reconciler.plan.qualityjson import voice_quality_dict

DRIFT_ACTIONS = frozenset(
    {Action.DRIFT, Action.ORPHAN, Action.FAILED, Action.CREATE, Action.REPLACE}
)

__all__ = [
    "DRIFT_ACTIONS",
    "FORMAT_VERSION",
    "WRITE_ACTIONS",
    "Action",
    "Change",
    "Discard",
    "FieldDiff",
    "FieldValue",
    "Origin",
    "Plan",
    "canonical_json",
    "change_key",
    "checksum_of",
    "sha256_tag",
    "write_lines",
]


class ExitReason(StrEnum):
    """The plan document's `exit_reason`: why the command exits as it does."""

    CHANGES = "changes"
    NO_CHANGES = "no_changes"
    BLOCKED = "blocked"
    DRIFT = "drift"  # `voicectl drift` found some
    NO_DRIFT = "no_drift"


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
    drift_check: bool = False  # `voicectl drift`: exit_reason drift / no_drift
    quality: tuple[VoiceQuality, ...] = ()  # audio figures of the declared voices

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
    def drifted(self) -> tuple[Change, ...]:
        """What a drift check reports: differing, missing, failed and orphaned voices."""
        return tuple(c for c in self.changes if c.effective in DRIFT_ACTIONS)

    @property
    def exit_reason(self) -> ExitReason:
        if self.drift_check:
            return ExitReason.DRIFT if self.drifted else ExitReason.NO_DRIFT
        if self.blocked:
            return ExitReason.BLOCKED
        return ExitReason.CHANGES if self.has_changes else ExitReason.NO_CHANGES

    @property
    def reserved(self) -> int:
        """Credits held by clones still running: charged when they succeed."""
        return sum(c.credits for c in self.changes if c.action is Action.PENDING)

    @property
    def balance_after(self) -> int | None:
        if self.credits_remaining is None:
            return None
        return self.credits_remaining - self.reserved - sum(c.credits for c in self.writes)

    def change_for(self, alias: str) -> Change | None:
        return next((c for c in self.changes if c.alias == alias), None)

    def action_dicts(self) -> list[dict[str, Any]]:
        return [action_dict(c) for c in self.changes]

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
                "reserved": self.reserved,
            },
            "summary": {action.value: n for action, n in self.counts.items()},
            "blocked": self.blocked,
            "blocked_reasons": list(self.blocked_reasons),
            "base_compared": self.base_compared,
            "complete_listing": self.complete_listing,
            "notes": list(self.notes),
            "actions": actions,
            "diagnostics": [diagnostic_dict(d) for d in self.diagnostics],
            "remote_fingerprint": self.remote_fingerprint,
            "exit_reason": self.exit_reason,
            "checksum": checksum_of(self.target, actions),
            "quality": [voice_quality_dict(q) for q in self.quality],
        }
