"""The apply report as GitHub Markdown (the apply job summary and the "Applied" comment on
the merged pull request): one row per voice, credits spent, discarded files.

Works on the report's JSON shape (`ApplyReport.to_dict()` or a `--report` file), so both
read alike. User text is escaped (render/markdown.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.apply.report import Outcome
from reconciler.render.markdown import escape_text

_SYMBOLS = {
    "succeeded": "✓",
    "adopted": "✓",
    "pending": "…",
    "failed": "✗",
    "not_attempted": "✗",
    "unknown": "?",
}
_HEAD = "| | Voice | Result | Credits | Details |\n| --- | --- | --- | --- | --- |\n"


def _detail(voice: Mapping[str, Any]) -> str:
    if voice["result"] == Outcome.PENDING:
        return f"still {voice['status']}; the next apply waits for it"
    return str(voice["reason"] or "")


def headline(report: Mapping[str, Any]) -> str:
    """`Applied: 2 succeeded, 1 failed · 600 credits spent · 9,400 remaining`."""
    counts = [f"{n} {k.replace('_', ' ')}" for k, n in report["summary"].items() if n]
    credits = report["credits"]
    line = f"{', '.join(counts) or 'nothing to do'} · {int(credits['spent']):,} credits spent"
    if credits["remaining"] is not None:
        line += f" · {int(credits['remaining']):,} remaining"
    return line


def report_markdown(report: Mapping[str, Any], *, target: str | None = None) -> str:
    """Headline, per-voice table, then every discarded file with its reason."""
    title = f"Apply of target `{escape_text(target)}`" if target else "Apply"
    bad = report["exit_code"] not in (0,)
    out = [f"**{'❌' if bad else '✅'} {title}: {escape_text(headline(report))}**\n"]
    if report.get("stopped_reason"):
        out.append(f"> Stopped early: {escape_text(report['stopped_reason'])}\n")
    voices = report["voices"]
    if voices:
        rows = "".join(
            f"| {_SYMBOLS.get(v['result'], '?')} | {escape_text(v['alias'])} | "
            f"{escape_text(v['result'].replace('_', ' '))} | {int(v['credits']):,} | "
            f"{escape_text(_detail(v))} |\n"
            for v in voices
        )
        out.append(_HEAD + rows)
    discards = [(v["alias"], d) for v in voices for d in v["discarded"]]
    if discards:
        out.append(f"**Discarded files ({len(discards)})**\n")
        out.append(
            "\n".join(
                f"- {escape_text(alias)}: {escape_text(d['path'] or d['file_id'])} "
                f"({escape_text(d['reason'])})"
                for alias, d in discards
            )
            + "\n"
        )
    return "\n".join(out)
