"""Words of a plan shared by every renderer: symbols, summary line, one line per action.

Works on the plan's JSON shape (`Plan.to_dict()` or a saved plan file), so a saved plan
renders exactly like a fresh one. Returns plain, unescaped strings: escaping for rich or
Markdown is each renderer's job.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from reconciler.plan.change import WRITE_ACTIONS, Action
from reconciler.plan.value import ExitReason
from reconciler.redact import clean

PlanData = Mapping[str, Any]
ActionData = Mapping[str, Any]

SYMBOLS: dict[str, str] = {
    "create": "+",
    "adopt": "=",
    "drift": "~",
    "replace": "-/+",
    "pending": "…",
    "failed": "x",
    "orphan": "-",
    "unmanaged": "?",
    "blocked": "!",
    "noop": "·",
}
ORDER = (  # summary order: writes first, unchanged last
    "create",
    "replace",
    "adopt",
    "drift",
    "pending",
    "failed",
    "orphan",
    "unmanaged",
    "blocked",
    "noop",
)


class PlanDetail(StrEnum):
    """`--detail`: how much of a plan is shown."""

    SUMMARY = "summary"  # the summary line only
    CHANGES = "changes"  # every change; unchanged and adopted voices only counted
    FULL = "full"  # every voice


DETAILS = tuple(PlanDetail)
DRIFT_REASONS = frozenset({ExitReason.DRIFT, ExitReason.NO_DRIFT})  # a drift check's plan
SECTION_PR = "Changes from this pull request"
SECTION_EXISTING = "Pre-existing drift"
_HIDDEN = {
    PlanDetail.SUMMARY: frozenset(ORDER),
    PlanDetail.CHANGES: frozenset({"noop", "adopt", "unmanaged"}),
}
_WRITES = tuple(WRITE_ACTIONS)
_PHRASES = {
    "create": "{n} to create",
    "replace": "{n} to replace",
    "adopt": "{n} to adopt",
    "drift": "{n} drifted",
    "pending": "{n} pending",
    "failed": "{n} failed",
    "orphan": "{n} orphaned",
    "unmanaged": "{n} unmanaged",
    "blocked": "{n} blocked",
    "noop": "{n} unchanged",
}
_QUIET_REASONS = frozenset({"not on the remote"})  # implied by the word `create`


def one_line(text: object) -> str:
    """User text on one line: line breaks become spaces, control characters are dropped."""
    flat = str(text).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return clean(flat)


def listed(actions: Sequence[ActionData], detail: PlanDetail) -> list[ActionData]:
    """Actions shown at a detail level: `changes` hides noop, adopt and unmanaged."""
    hidden = _HIDDEN.get(detail, frozenset())
    return [a for a in actions if a["action"] not in hidden]


def sections(data: PlanData, detail: PlanDetail) -> list[tuple[str, list[ActionData]]]:
    """One untitled section, or the PR's changes then pre-existing ones when a base was compared.

    The PR's own changes come first so a size-budgeted PR comment never cuts them first.
    """
    shown = listed(data["actions"], detail)
    if not data["base_compared"]:
        return [("", shown)]
    ours = [a for a in shown if a["origin"] == "pr"]
    return [(SECTION_PR, ours), (SECTION_EXISTING, [a for a in shown if a["origin"] != "pr"])]


def effective(action: ActionData) -> str:
    """The would-be action of a blocked change (or `blocked` when it had none)."""
    if action["action"] == Action.BLOCKED:
        return str(action["intended"] or Action.BLOCKED)
    return str(action["action"])


def _files_text(action: ActionData) -> str:
    files = action["files"]
    seconds = sum(f["duration_s"] or 0.0 for f in files)
    uploaded = sum(1 for f in files if f["path"] is not None and f["file_id"] is not None)
    count = f"{len(files)} file" + ("" if len(files) == 1 else "s")
    if uploaded:
        count += f" ({uploaded} already uploaded)"
    unknown = sum(1 for f in files if f["duration_s"] is None)  # `file_id:` entries
    length = duration(seconds)
    if unknown == len(files):
        length = "duration known remotely"
    elif unknown:
        length += f" + {unknown} remote"
    return f"{action['engine']}, {count}, {length}, {action['credits']:,} credits"


def duration(seconds: float) -> str:
    """`12.4 s` up to two minutes, then `25.0 min`."""
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:,.1f} min"


def _first_reason(action: ActionData, fallback: str) -> str:
    return str(action["reasons"][0]) if action["reasons"] else fallback


def action_sentence(action: ActionData) -> str:
    """The text after symbol, word and alias on an action's first line."""
    kind = effective(action)
    if kind in _WRITES:
        text = _files_text(action)
    elif kind == Action.PENDING:
        text = f"{action['engine']}, {action['credits']:,} credits on success"
    elif kind == Action.NOOP:
        text = "up to date"
    else:
        text = _first_reason(action, kind)
    return f"would {kind}: {text}" if action["action"] == Action.BLOCKED else text


def _value(value: object) -> str:
    if value is None:
        return "(absent)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return json.dumps(value, ensure_ascii=False)


def _field_text(field: Mapping[str, Any]) -> str:
    if field["path"] == "files":
        only_d, only_r = _value(field["declared"]), _value(field["remote"])
        return f"files: only declared: {only_d}; only remote: {only_r}"
    return (
        f"{field['path']}: declared {_value(field['declared'])}, remote {_value(field['remote'])}"
    )


def detail_lines(action: ActionData) -> list[str]:
    """Lines shown under an action: block reason, reasons, fields, discarded files, hint."""
    lines = []
    if action["blocked_reason"]:
        lines.append(f"blocked: {action['blocked_reason']}")
    headline = action_sentence(action)
    for reason in action["reasons"]:
        if reason not in _QUIET_REASONS and not headline.endswith(reason):
            lines.append(str(reason))
    lines.extend(_field_text(f) for f in action["fields"])
    for discard in action["discarded"]:
        lines.append(f"discarded: {discard['path'] or discard['file_id']} ({discard['reason']})")
    if action["hint"]:
        lines.append(f"hint: {action['hint']}")
    return lines


def _phrases(data: PlanData, kinds: Sequence[str]) -> list[str]:
    counts, actions = data["summary"], data["actions"]
    out = []
    for kind in kinds:
        n = int(counts.get(kind, 0))
        if n == 0 and kind != Action.NOOP:
            continue
        phrase = _PHRASES[kind].format(n=n)
        credits = sum(int(a["credits"]) for a in actions if a["action"] == kind)
        if kind in (*_WRITES, Action.BLOCKED) and credits:
            phrase += f" ({credits:,} credits)"
        out.append(phrase)
    return out


_DRIFT_PHRASES = (
    ("drift", "{n} differ{s} from {its} declaration{p}"),
    ("create", "{n} missing from the remote"),
    ("replace", "{n} to replace"),
    ("failed", "{n} failed"),
    ("orphan", "{n} orphaned (no longer declared)"),
)


def drift_line(data: PlanData) -> str:
    """`Drift: 1 differs from its declaration, 1 orphaned (no longer declared); 3 up to date.`"""
    kinds = [effective(a) for a in data["actions"]]
    up = int(data["summary"].get("noop", 0))
    parts = []
    for kind, phrase in _DRIFT_PHRASES:
        n = kinds.count(kind)
        if n:
            one = n == 1
            words = {
                "s": "s" if one else "",
                "its": "its" if one else "their",
                "p": "" if one else "s",
            }
            parts.append(phrase.format(n=n, **words))
    if not parts:
        voices = "1 voice matches its" if up == 1 else f"{up} voices match their"
        return f"No drift: {voices} declaration{'' if up == 1 else 's'}."
    return f"Drift: {', '.join(parts)}; {up} up to date."


def summary_line(data: PlanData) -> str:
    """`Plan: 2 to create (600 credits), 1 drifted, 14 unchanged. Balance after: 9,400 credits.`"""
    counts, credits = data["summary"], data["credits"]
    if data.get("exit_reason") in DRIFT_REASONS:
        return drift_line(data)
    if data["blocked"]:
        reasons = data["blocked_reasons"]
        tail = f"Blocked: {'; '.join(reasons)}." if reasons else "Blocked by policy."
        return f"Plan blocked: {', '.join(_phrases(data, ORDER))}. {tail} Nothing will be written."
    if any(counts.get(kind, 0) for kind in _WRITES):
        after = credits["balance_after"]
        tail = "Balance unknown." if after is None else f"Balance after: {after:,} credits."
        return f"Plan: {', '.join(_phrases(data, ORDER))}. {tail}"
    up = int(counts.get("noop", 0))
    others = _phrases(data, [k for k in ORDER if k != Action.NOOP])
    rest = f"; {', '.join(others)}" if others else ""
    return f"No changes. {up} voice{'' if up == 1 else 's'} up to date{rest}."
