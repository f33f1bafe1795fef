"""What the sticky comment says around the plans: the total cost over targets, the run
link, what merging does next (and whose approval it waits for), the full checksums.

Pure text from saved plan dicts; the plan tables themselves come from render/markdown.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler.plan.change import WRITE_ACTIONS
from reconciler.redact import clean

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True, slots=True)
class CommentFacts:
    """Where the run is, and which GitHub environment's approval applies each target
    (`environments` by target; `environment` for a target not listed)."""

    run_url: str | None = None
    environment: str = "production"
    artifact: str = "voicectl-plan-*"  # the plan jobs' artifacts, one per target
    environments: Mapping[str, str] = field(default_factory=dict)

    def environment_of(self, target: str) -> str:
        return self.environments.get(target, self.environment)


def safe_name(name: object) -> str:
    """A target or environment name as it may appear in a marker or code span."""
    text = _UNSAFE.sub("_", clean(str(name)))[:64]
    return text or "default"


def target_of(plan: Mapping[str, Any]) -> str:
    target = plan.get("target")
    name = target.get("name") if isinstance(target, Mapping) else None
    return safe_name(name or "default")


def cost(plan: Mapping[str, Any]) -> int:
    return sum(int(a["credits"]) for a in plan["actions"] if a["action"] in WRITE_ACTIONS)


def writes(plan: Mapping[str, Any]) -> bool:
    return any(a["action"] in ("create", "replace") for a in plan["actions"])


def totals(plans: Sequence[Mapping[str, Any]], failed: Sequence[str] = ()) -> str:
    """`**Total: 2,700 credits** for 2 targets (prod 1,500 · staging 1,200)`."""
    each = [f"{target_of(p)} {cost(p):,}" for p in plans]
    each += [f"{safe_name(t)} plan failed" for t in failed]
    total = sum(cost(p) for p in plans)
    count = len(plans) + len(failed)
    return f"\n**Total: {total:,} credits** for {count} targets ({' · '.join(each)})\n\n"


def _approvals(plans: Sequence[Mapping[str, Any]], facts: CommentFacts) -> str:
    """`` `production` `` or `` `voices-prod` (prod) and `production` (staging) ``."""
    by_target = {target_of(p): safe_name(facts.environment_of(target_of(p))) for p in plans}
    if len(set(by_target.values())) <= 1:
        return f"`{next(iter(by_target.values()), safe_name(facts.environment))}`"
    return " and ".join(f"`{env}` ({target})" for target, env in by_target.items())


def next_steps(
    plans: Sequence[Mapping[str, Any]], facts: CommentFacts, failed: Sequence[str] = ()
) -> str:
    """The run link, what merging does, and the full checksums (short ones are shown above)."""
    lines = ["---"]
    if facts.run_url:
        lines.append(
            f"[Workflow run]({facts.run_url}) · full plans: the `{facts.artifact}` artifacts "
            "and the job summaries"
        )
    changing = [p for p in plans if writes(p)]
    if failed:
        names = ", ".join(f"`{safe_name(t)}`" for t in failed)
        lines.append(
            f"**Next:** the plan of {names} failed: fix the errors and push again; merging "
            "now would not apply it."
        )
    elif any(p.get("blocked") for p in plans):
        lines.append("**Next:** the plan is blocked: fix the `!` lines above and push again.")
    elif changing:
        lines.append(
            f"**Next:** merging applies this plan after approval of {_approvals(changing, facts)}."
        )
    else:
        lines.append("**Next:** nothing to apply; merging creates no voice.")
    sums = [f"- `{target_of(p)}`: `{_checksum(p)}`" for p in plans]
    if sums:
        lines.append("<details><summary>Checksums</summary>\n\n" + "\n".join(sums) + "\n</details>")
    return "\n\n".join(lines) + "\n"


def _checksum(plan: Mapping[str, Any]) -> str:
    value = plan.get("checksum")
    ok = isinstance(value, str) and re.fullmatch(r"sha256:[0-9a-f]{64}", value)
    return str(value) if ok else "none"
