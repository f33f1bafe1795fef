"""Plan → size-budgeted GitHub Markdown for the sticky PR comment and the job summary.

The summary line comes first and is always kept; sections are `<details>` tables cut
with `… N more actions — see the job summary`. Every piece of user text is escaped
(reliability.md §3): cell characters, backticks, HTML, @mentions and #refs (zero-width
joiner).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from reconciler.plan.plan import Plan
from reconciler.render.wording import (
    SECTION_PR,
    SYMBOLS,
    ActionData,
    describe,
    detail_lines,
    one_line,
    sections,
    summary_line,
)

ZWJ = "\u200d"
_BACKSLASHED = re.compile(r"([\\*_\[\]~|])")
_TABLE_HEAD = "| | Action | Voice | Details |\n| --- | --- | --- | --- |\n"
_MORE = "… {n} more action{s} — see the job summary\n"


def escape_text(text: object) -> str:
    """Inline Markdown/HTML-inert text, safe inside a table cell."""
    out = one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # break @mentions and #123 / owner/repo#123 references (no pings, no backlinks);
    # before the backtick entity below, whose `#` must stay intact
    out = out.replace("@", "@" + ZWJ).replace("#", "#" + ZWJ)
    out = out.replace("`", "&#96;")
    return _BACKSLASHED.sub(r"\\\1", out)


def code_span(text: object) -> str:
    """Inline code with a fence longer than any backtick run inside (not for table cells)."""
    body = one_line(text)
    runs = [len(run) for run in re.findall(r"`+", body)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def _row(action: ActionData) -> str:
    word = str(action["action"])
    cells = [escape_text(describe(action)), *(escape_text(x) for x in detail_lines(action))]
    symbol = f"`{SYMBOLS.get(word, '?')}`"
    alias = escape_text(action["alias"])
    return f"| {symbol} | {escape_text(word)} | {alias} | {'<br>'.join(cells)} |\n"


def _opener(title: str, count: int) -> str:
    is_open = " open" if title in ("", SECTION_PR) else ""
    name = escape_text(title or "Plan details")
    body = _TABLE_HEAD if count else "No actions.\n"
    return f"<details{is_open}>\n<summary>{name} ({count})</summary>\n\n{body}"


def _header(data: Mapping[str, Any], marker: str | None, head_sha: str | None) -> str:
    lines = [marker] if marker else []
    lines.append(f"**{escape_text(summary_line(data))}**\n")
    facts = [f"Target {code_span(data['target']['name'])}"]
    if head_sha:
        facts.append(f"head {code_span(head_sha)}")
    facts.append(f"checksum {code_span(data['checksum'])}")
    lines.append(" · ".join(facts) + "\n")
    lines.extend(f"> Note: {escape_text(note)}\n" for note in data["notes"])
    return "\n".join(lines) + "\n"


def render_markdown(
    plan: Plan | Mapping[str, Any],
    *,
    max_chars: int | None = None,
    marker: str | None = None,
    head_sha: str | None = None,
    detail: str = "changes",
) -> str:
    """The plan as Markdown, at most `max_chars` long (the header is always kept whole)."""
    data = plan.to_dict(created_at="") if isinstance(plan, Plan) else plan
    pieces = [_header(data, marker, head_sha)]
    limit = max_chars if max_chars is not None else float("inf")
    reserve = len(_MORE.format(n=10**9, s="s"))
    used, omitted = len(pieces[0]), 0
    blocks = sections(data, detail) if detail != "summary" else []
    for title, actions in blocks:
        opener, closer = _opener(title, len(actions)), "\n</details>\n\n"
        if omitted or used + len(opener) + len(closer) + reserve > limit:
            omitted += len(actions)
            continue
        pieces.append(opener)
        used += len(opener) + len(closer)
        for index, action in enumerate(actions):
            row = _row(action)
            if used + len(row) + reserve > limit:
                omitted += len(actions) - index
                break
            pieces.append(row)
            used += len(row)
        pieces.append(closer)
    if omitted:
        pieces.append(_MORE.format(n=f"{omitted:,}", s="" if omitted == 1 else "s"))
    return "".join(pieces)
