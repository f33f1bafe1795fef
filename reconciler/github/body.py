"""The sticky PR comment's text: hidden marker, one section per target, size budget, and the
machine-readable review record (target, checksum, head SHA) that apply checks against.

The plan Markdown itself comes from render/markdown.py (passed in as `render`); nothing
here talks to GitHub.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reconciler.github.facts import CommentFacts, next_steps, safe_name, target_of, totals
from reconciler.redact import scrub

__all__ = ["CommentFacts", "next_steps"]  # re-exported: the comment's surroundings

MAX_COMMENT_CHARS = 60_000  # GitHub refuses bodies over 65,536; keep a margin
MARKER = "<!-- voicectl:plan -->"  # one per repository, whatever its targets
MARKER_PREFIX = "<!-- voicectl:plan"  # also finds the older `target=…` markers
CUT_RESERVE = 100
_RECORD = re.compile(
    r"^<!-- voicectl:reviewed target=(?P<target>[A-Za-z0-9_.-]+) "
    r"checksum=(?P<checksum>sha256:[0-9a-f]{64}|none) head=(?P<head>[0-9a-f]{7,64}|none) -->$",
    re.MULTILINE,
)
_HEX = re.compile(r"^[0-9a-f]{7,64}$")
_CHECKSUM = re.compile(r"^sha256:[0-9a-f]{64}$")

RenderFn = Callable[[Mapping[str, Any], int], str]
"""(saved plan dict, max characters) → that target's Markdown, its summary line included."""


@dataclass(frozen=True, slots=True)
class ReviewedTarget:
    """What a PR comment says was reviewed for one target."""

    target: str
    checksum: str | None
    head: str | None


@dataclass(frozen=True, slots=True)
class CommentBody:
    marker: str
    text: str
    targets: tuple[str, ...]


def safe_target(name: object) -> str:
    """A target name as it may appear in a marker (no spaces, no `-->`)."""
    return safe_name(name)


def plan_target(plan: Mapping[str, Any]) -> str:
    return target_of(plan)


def plan_checksum(plan: Mapping[str, Any]) -> str | None:
    value = plan.get("checksum")
    return value if isinstance(value, str) and _CHECKSUM.match(value) else None


def plan_head(plan: Mapping[str, Any], head_sha: str | None = None) -> str | None:
    """The reviewed head: the PR's head SHA when known (a PR checkout plans a merge commit),
    else the plan's own `git.head`."""
    git = plan.get("git")
    head = git.get("head") if isinstance(git, Mapping) else None
    for value in (head_sha, head):
        if isinstance(value, str) and _HEX.match(value.lower()):
            return value.lower()
    return None


def review_record(plan: Mapping[str, Any], head_sha: str | None) -> str:
    checksum = plan_checksum(plan) or "none"
    head = plan_head(plan, head_sha) or "none"
    return f"<!-- voicectl:reviewed target={plan_target(plan)} checksum={checksum} head={head} -->"


def parse_review_records(body: str) -> dict[str, ReviewedTarget]:
    """The review records of a comment body, by target (the last one of a target wins)."""
    found: dict[str, ReviewedTarget] = {}
    for match in _RECORD.finditer(body):
        checksum, head = match["checksum"], match["head"]
        found[match["target"]] = ReviewedTarget(
            target=match["target"],
            checksum=None if checksum == "none" else checksum,
            head=None if head == "none" else head,
        )
    return found


def compose_comment(
    plans: Sequence[Mapping[str, Any]],
    *,
    render: RenderFn,
    head_sha: str | None = None,
    limit: int = MAX_COMMENT_CHARS,
    facts: CommentFacts | None = None,
    failed: Mapping[str, str] | None = None,
) -> CommentBody:
    """One comment for every target: marker, review records, then one section per target.

    `failed` maps a target whose plan failed to its section (the first errors): it shows
    in place of that target's plan and gets no review record, so it cannot be applied.
    The room left after the fixed parts is shared between the plans (a small plan keeps
    all it needs; the rest split what remains), and the renderer cuts each to its share.
    """
    failed = dict(failed or {})
    facts = facts or CommentFacts()
    if not plans and not failed:
        raise ValueError("no plan to comment on")
    targets = tuple(plan_target(p) for p in plans) + tuple(safe_target(t) for t in failed)
    duplicates = sorted({t for t in targets if targets.count(t) > 1})
    if duplicates:
        raise ValueError(f"more than one plan for target {duplicates[0]!r}")
    several = len(targets) > 1
    header = "\n".join([MARKER, *(review_record(p, head_sha) for p in plans)]) + "\n"
    header += totals(plans, tuple(failed)) if several else ""
    footer = "\n" + next_steps(plans, facts, tuple(failed))
    headings = [_heading(plan_target(p), several) for p in plans]
    extra = [_heading(safe_target(t), several) + scrub(text) for t, text in failed.items()]
    fixed = len(header) + len(footer) + sum(len(h) for h in headings) + sum(map(len, extra))
    shares = share_budget([_size_wanted(render, p, limit) for p in plans], limit - fixed)
    sections = [
        heading + _fit(scrub(render(plan, share)), share)
        for plan, heading, share in zip(plans, headings, shares, strict=True)
    ]
    ordered = sorted(zip(targets, [*sections, *extra], strict=True))
    text = header + "\n".join(section for _, section in ordered) + footer
    return CommentBody(marker=MARKER, text=text[:limit], targets=targets)


def share_budget(wanted: Sequence[int], room: int) -> list[int]:
    """Split `room` characters: whoever wants less than an equal share gets what it wants,
    the others share the rest equally (water-filling). The separators come out of `room`."""
    room = max(room - len(wanted), 0)
    shares = [0] * len(wanted)
    pending = sorted(range(len(wanted)), key=lambda i: wanted[i])
    while pending:
        equal = room // len(pending)
        index = pending[0]
        if wanted[index] <= equal:
            shares[index] = wanted[index]
            room -= wanted[index]
            pending.pop(0)
            continue
        for index in pending:
            shares[index] = equal
        break
    return shares


def _size_wanted(render: RenderFn, plan: Mapping[str, Any], limit: int) -> int:
    # plus slack: a renderer keeps room for its "… N more" line, so the exact size would cut
    return len(render(plan, limit)) + CUT_RESERVE


def _fit(markdown: str, share: int) -> str:
    """A last guard should a renderer overshoot its share: cut on a line boundary."""
    if len(markdown) <= share:
        return markdown
    note = "\n… cut — see the job summary\n"
    head = markdown[: max(share - len(note), 0)]
    return head[: head.rfind("\n") + 1] + note if len(note) <= share else ""


def _heading(target: str, several: bool) -> str:
    return f"### Target `{target}`\n\n" if several else ""


def review_problems(
    plans: Sequence[Mapping[str, Any]],
    records: Mapping[str, ReviewedTarget],
    *,
    pr_number: int,
    pr_head: str | None,
) -> list[str]:
    """Why the fresh plans are not the ones reviewed on the merged PR (empty: they are)."""
    problems = []
    head = (pr_head or "").lower()
    for plan in plans:
        target = plan_target(plan)
        record = records.get(target)
        checksum = plan_checksum(plan)
        if record is None:
            problems.append(
                f"no plan for target {target} was reviewed on pull request #{pr_number}"
            )
        elif record.head is None or not head or not head.startswith(record.head):
            problems.append(
                f"the plan reviewed on pull request #{pr_number} is for commit "
                f"{(record.head or 'none')[:12]}, not its last commit {head[:12] or 'unknown'} "
                "(did the plan job fail on the last push?)"
            )
        elif record.checksum is None or record.checksum != checksum:
            problems.append(
                f"target {target}: the fresh plan ({checksum or 'no checksum'}) differs from "
                f"the plan reviewed on pull request #{pr_number} ({record.checksum or 'none'})"
            )
    return problems
