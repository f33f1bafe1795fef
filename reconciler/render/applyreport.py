"""The final apply report for people: one row per voice (✓ succeeded, ✗ failed + reason,
… pending), the files the server discarded, uploads, credits spent and remaining.

Rendering only: the values come from report.ApplyReport; user text is `Text`, never markup.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from reconciler.apply.report import ApplyReport, Outcome, VoiceResult
from reconciler.redact import clean, safe
from reconciler.render.grid import Grid, print_grid
from reconciler.render.progress import format_size

SYMBOLS: dict[Outcome, str] = {
    Outcome.SUCCEEDED: "✓",
    Outcome.ADOPTED: "✓",
    Outcome.PENDING: "…",
    Outcome.FAILED: "✗",
    Outcome.NOT_ATTEMPTED: "✗",
    Outcome.UNKNOWN: "?",
}
LABELS: dict[Outcome, str] = {
    Outcome.SUCCEEDED: "succeeded",
    Outcome.ADOPTED: "adopted",
    Outcome.PENDING: "pending",
    Outcome.FAILED: "failed",
    Outcome.NOT_ATTEMPTED: "not attempted",
    Outcome.UNKNOWN: "unknown",
}


def _detail(voice: VoiceResult) -> str:
    if voice.outcome is Outcome.PENDING:
        return f"still {voice.status}; the next plan or apply picks it up"
    if voice.reason:
        return safe(voice.reason, 300)
    if voice.discarded:
        return f"{len(voice.discarded)} file(s) discarded"
    return ""


def voices_grid(report: ApplyReport) -> Grid:
    grid = Grid(["", "alias", "result", "detail"])
    for voice in report.voices:  # clone ids and request ids are in the JSON report
        grid.add_row(
            SYMBOLS[voice.outcome], clean(voice.alias), LABELS[voice.outcome], _detail(voice)
        )
    return grid


def summary_lines(report: ApplyReport) -> list[str]:
    """Counts, discards, uploads, credits and why the run stopped, as plain lines."""
    counts = ", ".join(
        f"{report.count(o)} {LABELS[o]}" for o in Outcome if report.count(o) or o is Outcome.FAILED
    )
    lines = [f"voices: {counts}"]
    discards = [(v.alias, d) for v in report.voices for d in v.discarded]
    if report.predicted:
        lines.extend(_discards_side_by_side(report))
    elif discards:
        lines.append("files discarded by the server:")
        lines.extend(
            f"  {clean(d.path or d.file_id)} ({clean(alias)}): {safe(d.reason, 200)}"
            for alias, d in discards
        )
    stats = report.uploads
    lines.append(
        f"uploads: {stats.uploaded} sent ({format_size(stats.bytes_sent)}), "
        f"{stats.reused} already in the folder"
    )
    remaining = "unknown" if report.credits_remaining is None else f"{report.credits_remaining:,}"
    lines.append(f"credits: {report.credits_spent:,} spent, {remaining} remaining")
    if report.stopped_reason:
        lines.append(f"stopped starting new voices: {safe(report.stopped_reason, 200)}")
    if report.interrupted:
        lines.append("interrupted: unknown voices are read back by the next run")
    return lines


def _discards_side_by_side(report: ApplyReport) -> list[str]:
    """Each file predicted or seen discarded, with both reasons (– when there is none)."""
    actual = {(v.alias, d.path or d.file_id): d.reason for v in report.voices for d in v.discarded}
    predicted = {(p.alias, p.path): p.reason for p in report.predicted}
    lines = ["discarded files, predicted and actual:"]
    for key in sorted(set(actual) | set(predicted)):
        alias, path = key
        guess = safe(predicted.get(key, "–"), 200)
        seen = safe(actual.get(key, "–"), 200)
        lines.append(f"  {clean(path)} ({clean(alias)}): predicted {guess}; actual {seen}")
    return lines


def render_report(report: ApplyReport, console: Console) -> None:
    """Print the per-voice table and the summary lines."""
    if report.voices:
        print_grid(console, voices_grid(report))
    for line in summary_lines(report):
        console.print(Text(line), soft_wrap=True, highlight=False)
