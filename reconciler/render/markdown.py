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

from reconciler.plan.value import WRITE_ACTIONS, Plan
from reconciler.render.qualitytext import discard_lines, level, span, written_quality
from reconciler.render.wording import (
    DRIFT_REASONS,
    SECTION_PR,
    SYMBOLS,
    ActionData,
    PlanDetail,
    action_sentence,
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


_BUDGET = "over budget: "
_TICKED = re.compile(r"`([^`]+)`")


def cell_text(text: object) -> str:
    """Escaped cell text whose `backticked` parts become <code> (hints read as code)."""
    line = one_line(text)
    pieces, last = [], 0
    for match in _TICKED.finditer(line):
        pieces.append(escape_text(line[last : match.start()]))
        pieces.append(f"<code>{escape_text(match[1])}</code>")
        last = match.end()
    pieces.append(escape_text(line[last:]))
    return "".join(pieces)


def _details(action: ActionData, budget_stated: bool) -> list[str]:
    lines = detail_lines(action)
    if budget_stated:  # the plan-level budget reason is stated once, above the tables
        lines = [
            "blocked: over budget (see above)" if x.startswith("blocked: " + _BUDGET) else x
            for x in lines
        ]
    return lines


def _row(action: ActionData, budget_stated: bool = False) -> str:
    word = str(action["action"])
    details = _details(action, budget_stated)
    cells = [escape_text(action_sentence(action)), *(cell_text(x) for x in details)]
    symbol = f"`{SYMBOLS.get(word, '?')}`"
    alias = escape_text(action["alias"])
    return f"| {symbol} | {escape_text(word)} | {alias} | {'<br>'.join(cells)} |\n"


def _opener(title: str, count: int) -> str:
    is_open = " open" if title in ("", SECTION_PR) else ""
    name = escape_text(title or "Plan details")
    body = _TABLE_HEAD if count else "No actions.\n"
    return f"<details{is_open}>\n<summary>{name} ({count})</summary>\n\n{body}"


def short_checksum(checksum: object) -> str:
    """`sha256:e262d281d62a…`: the full one is in the comment's hidden review record."""
    text = str(checksum)
    return text[:19] + "…" if len(text) > 20 else text


def credits_line(data: Mapping[str, Any]) -> str:
    """`Cost: 1,500 + 1,200 = **2,700 credits** · balance 10,000 → 7,300 credits`."""
    credits = data["credits"]
    parts = [int(a["credits"]) for a in data["actions"] if a["action"] in WRITE_ACTIONS]
    total = sum(parts)
    sums = " + ".join(f"{n:,}" for n in parts) + " = " if len(parts) > 1 else ""
    line = f"Cost: {sums}**{total:,} credits**"
    remaining, after = credits["remaining"], credits["balance_after"]
    if remaining is not None:
        end = int(after if after is not None else remaining)
        line += f" · balance {int(remaining):,} → {end:,} credits"
    if credits.get("reserved"):
        line += f" ({int(credits['reserved']):,} reserved by clones still running)"
    return line


def _warnings(data: Mapping[str, Any]) -> list[str]:
    found = [d for d in data["diagnostics"] if d["severity"] == "warning"]
    if not found:
        return []
    lines = [f"**Warnings ({len(found)})**\n"]
    for d in found[:20]:
        where = f"{d['path']}:{d['line']}:{d['col']}"
        hint = f" — hint: {cell_text(d['hint'])}" if d.get("hint") else ""
        lines.append(f"- {code_span(where)} {cell_text(d['message'])}{hint}")
    if len(found) > 20:
        lines.append(f"- … {len(found) - 20} more in the job summary")
    return ["\n".join(lines) + "\n"]


def _header(data: Mapping[str, Any], marker: str | None, head_sha: str | None) -> str:
    lines = [marker] if marker else []
    lines.append(f"**{escape_text(summary_line(data))}**\n")
    facts = [f"Target {code_span(data['target']['name'])}"]
    if head_sha:
        facts.append(f"head {code_span(head_sha[:7])}")
    facts.append(f"checksum {code_span(short_checksum(data['checksum']))}")
    lines.append(" · ".join(facts) + "\n")
    if data.get("exit_reason") not in DRIFT_REASONS:
        lines.append(credits_line(data) + "\n")
    lines.extend(f"> Note: {escape_text(note)}\n" for note in data["notes"])
    lines.extend(_warnings(data))
    return "\n".join(lines) + "\n"


def render_markdown(
    plan: Plan | Mapping[str, Any],
    *,
    max_chars: int | None = None,
    marker: str | None = None,
    head_sha: str | None = None,
    detail: PlanDetail = PlanDetail.CHANGES,
) -> str:
    """The plan as Markdown, at most `max_chars` long (the header is always kept whole)."""
    data = plan.to_dict(created_at="") if isinstance(plan, Plan) else plan
    pieces = [_header(data, marker, head_sha)]
    limit = max_chars if max_chars is not None else float("inf")
    reserve = len(_MORE.format(n=10**9, s="s"))
    used, omitted = len(pieces[0]), 0
    blocks = sections(data, detail) if detail != PlanDetail.SUMMARY else []
    for title, actions in blocks:
        opener, closer = _opener(title, len(actions)), "\n</details>\n\n"
        if omitted or used + len(opener) + len(closer) + reserve > limit:
            omitted += len(actions)
            continue
        pieces.append(opener)
        used += len(opener) + len(closer)
        for index, action in enumerate(actions):
            row = _row(action, budget_stated=bool(data["blocked_reasons"]))
            if used + len(row) + reserve > limit:
                omitted += len(actions) - index
                break
            pieces.append(row)
            used += len(row)
        pieces.append(closer)
    if omitted:
        pieces.append(_MORE.format(n=f"{omitted:,}", s="" if omitted == 1 else "s"))
    table = quality_table(data)
    if table and used + len(table) <= limit:
        pieces.append(table)
    return "".join(pieces)


def quality_table(data: Mapping[str, Any]) -> str:
    """Collapsible "Audio quality" table: one row per voice the plan would create."""
    quality = written_quality(data)
    if not quality:
        return ""
    rows = [
        "<details>\n<summary>Audio quality ("
        + f"{len(quality)} voice{'s' if len(quality) != 1 else ''})</summary>\n\n",
        "| Voice | Files | Speech | Loudness | Peak | Worst finding |\n",
        "|---|---|---|---|---|---|\n",
    ]
    for alias, voice in quality.items():
        worst = [voice["worst"] or "none", *discard_lines(voice)]
        cells = [
            escape_text(alias),
            str(len([f for f in voice["files"] if not f["consent"]])),
            escape_text(span(voice["audio_s"], voice["speech_s"])),
            escape_text(level(voice["loudness_lufs"], "LUFS")),
            escape_text(level(voice["peak_dbfs"], "dBFS")),
            "<br>".join(escape_text(w) for w in worst),
        ]
        rows.append("| " + " | ".join(cells) + " |\n")
    return "".join(rows) + "\n</details>\n\n"
