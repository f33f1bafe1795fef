"""Plan → rich renderables for the terminal, readable without colour.

Every line carries symbol, word, alias and reason. User text is cleaned of control
characters and line breaks and rendered only as `Text`, never as markup. Lines are
printed unwrapped so no output line can start with user text (workflow commands).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.text import Text

from reconciler.plan.value import Plan
from reconciler.render.qualitytext import discard_lines, quality_line, written_quality
from reconciler.render.wording import (
    SYMBOLS,
    ActionData,
    PlanDetail,
    action_sentence,
    detail_lines,
    one_line,
    sections,
    summary_line,
)

__all__ = ["STYLES", "SYMBOLS", "plan_lines", "render_plan"]

STYLES: dict[str, str] = {
    "create": "green",
    "adopt": "cyan",
    "drift": "yellow",
    "replace": "yellow",
    "pending": "blue",
    "failed": "red",
    "orphan": "magenta",
    "unmanaged": "dim",
    "blocked": "bold red",
    "noop": "dim",
}
_INDENT = " " * 14
_ALIAS_WIDTH = 32  # longer aliases just push their line's text to the right


def plan_data(plan: Plan | Mapping[str, Any]) -> Mapping[str, Any]:
    """The JSON shape every renderer reads (a saved plan file is already in it)."""
    return plan.to_dict(created_at="") if isinstance(plan, Plan) else plan


def _action_lines(action: ActionData, width: int) -> list[Text]:
    word = str(action["action"])
    style = STYLES.get(word, "")
    head = Text.assemble(
        (f"{SYMBOLS.get(word, '?'):>3} {word:<9} ", style),
        (f"{one_line(action['alias']):<{width}}", "bold"),
        "  ",
        one_line(action_sentence(action)),
    )
    return [head, *(Text(_INDENT + one_line(line)) for line in detail_lines(action))]


def plan_lines(
    plan: Plan | Mapping[str, Any], detail: PlanDetail = PlanDetail.CHANGES
) -> list[Text]:
    """The plan as lines of `Text`: sections, notes, then the summary line (always last)."""
    data = plan_data(plan)
    out: list[Text] = []
    blocks = sections(data, detail) if detail != PlanDetail.SUMMARY else []
    aliases = [len(one_line(a["alias"])) for _, actions in blocks for a in actions]
    width = min(max(aliases, default=0), _ALIAS_WIDTH)
    quality = written_quality(data)
    for title, actions in blocks:
        if title:
            out.append(Text(f"{title} ({len(actions)})", style="bold underline"))
        for action in actions:
            out.extend(_action_lines(action, width))
            if action["alias"] in quality:
                voice = quality[action["alias"]]
                lines = [f"quality: {quality_line(voice)}", *discard_lines(voice)]
                out.extend(Text(_INDENT + one_line(line)) for line in lines)
        if title and not actions:
            out.append(Text("    none"))
    out.extend(Text("note: " + one_line(note)) for note in data["notes"])
    out.append(Text(one_line(summary_line(data)), style="bold"))
    return out


def render_plan(
    plan: Plan | Mapping[str, Any], console: Console, detail: PlanDetail = PlanDetail.CHANGES
) -> None:
    """Print the plan; `detail` is summary | changes (default) | full. One print of the
    joined lines: rich renders each print on its own (0.4 ms per line, 2.5× the joined
    cost at 10,000 voices), and the output is the same."""
    console.print(Text("\n").join(plan_lines(plan, detail)), soft_wrap=True, highlight=False)
