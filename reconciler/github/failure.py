"""The sticky comment when validate or plan failed: it replaces the last plan (which is no
longer the plan of this commit) with the first errors and a link to the run. With several
targets, a target whose plan failed gets a failure section in place of its plan.

Neither carries a review record, so `comment --check-reviewed` refuses to apply after it.
"""

from __future__ import annotations

import re

from reconciler.github.body import MARKER, CommentBody, CommentFacts
from reconciler.github.facts import safe_name
from reconciler.redact import clean, scrub

MAX_ERRORS = 10
_ERROR = re.compile(r"(^|: )error(\[[^\]]*\])?: ")
_STEPS = frozenset({"validate", "plan"})


def first_errors(log: str, limit: int = MAX_ERRORS) -> list[str]:
    """The log's `error:` lines (with their hints), else its last lines."""
    lines = [clean(line).rstrip() for line in scrub(log).splitlines()]
    picked: list[str] = []
    for index, line in enumerate(lines):
        if _ERROR.search(line):
            picked.append(line)
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if following.startswith("  hint: "):
                picked.append(following)
    if not picked:
        picked = [line for line in lines if line.strip()][-limit:]
    return picked[: limit * 2]


def _fence(lines: list[str]) -> str:
    body = "\n".join(lines) or "(no output)"
    runs = [len(r) for r in re.findall(r"`{3,}", body)]
    ticks = "`" * max(3, max(runs, default=0) + 1)
    return f"{ticks}text\n{body}\n{ticks}"


def failed_section(step: str, target: str, log: str) -> str:
    """One target's part of a comment whose other targets planned: its first errors."""
    if step not in _STEPS:
        raise ValueError(f"--failed takes validate or plan, not {step!r}")
    return (
        f"**❌ voicectl {step} failed for target `{safe_name(target)}`**: no plan to review; "
        f"merging now would not apply it.\n\nFirst errors:\n\n{_fence(first_errors(log))}\n"
    )


def failure_comment(
    step: str, log: str, *, head_sha: str | None, facts: CommentFacts
) -> CommentBody:
    """`**❌ voicectl plan failed** on commit abc1234: …` with the first errors."""
    if step not in _STEPS:
        raise ValueError(f"--failed takes validate or plan, not {step!r}")
    commit = f" on commit `{head_sha[:7]}`" if head_sha else ""
    parts = [
        MARKER,
        f"**❌ voicectl {step} failed**{commit}: the plan shown here before is out of date, "
        "and merging now would apply nothing.",
        "First errors:",
        _fence(first_errors(log)),
    ]
    if facts.run_url:
        parts.append(f"[Workflow run]({facts.run_url}) · all errors in the job summary")
    parts.append("**Next:** fix the errors and push again; this comment is updated in place.")
    return CommentBody(marker=MARKER, text="\n\n".join(parts) + "\n", targets=())
