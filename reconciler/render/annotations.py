"""Diagnostics → `path:line:col: error: message` lines (+ `  hint:` lines) and, in GitHub
Actions, `::error file=…,line=…,col=…::…` workflow commands for the first ten.

User text is stripped of control characters and printed as rich Text (never markup).
Layer 3: the console arrives as a parameter; nothing from reconciler.commands is imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Protocol

from reconciler.model.errors import Diagnostic, Severity
from reconciler.redact import clean, scrub

if TYPE_CHECKING:
    from rich.console import Console

MAX_ANNOTATIONS = 10


class DiagnosticOutput(Protocol):
    """What print_diagnostics needs (commands.context.Context fits)."""

    @property
    def err(self) -> Console: ...

    @property
    def in_github_actions(self) -> bool: ...

    @property
    def environ(self) -> Mapping[str, str]: ...


def format_diagnostic(diagnostic: Diagnostic) -> list[str]:
    """The plain lines of one diagnostic (no colour), control characters removed."""
    where, severity = _safe(str(diagnostic.location)), diagnostic.severity.value
    head = f"{where}: {severity}: {_safe(diagnostic.message)}"
    if diagnostic.hint:
        return [head, f"  hint: {_safe(diagnostic.hint)}"]
    return [head]


def count_line(diagnostics: Iterable[Diagnostic]) -> str:
    """`2 errors, 1 warning` (both parts always present)."""
    items = list(diagnostics)
    errors = sum(1 for d in items if d.is_error)
    warnings = len(items) - errors
    return f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def workflow_command(diagnostic: Diagnostic) -> str:
    """`::error file=…,line=…,col=…::message` with GitHub's escaping (reliability.md §3)."""
    kind = "error" if diagnostic.severity is Severity.ERROR else "warning"
    loc = diagnostic.location
    props = [f"file={_escape_property(_safe(loc.path))}"]
    if loc.line > 0:
        props += [f"line={loc.line}", f"col={max(loc.col, 1)}"]
    text = _safe(diagnostic.message)
    if diagnostic.hint:
        text += f"\nhint: {_safe(diagnostic.hint)}"
    return f"::{kind} {','.join(props)}::{_escape_data(text)}"


def print_diagnostics(diagnostics: Iterable[Diagnostic], ctx: DiagnosticOutput) -> None:
    """Sorted diagnostics, then the count line, on ctx.err; in Actions also annotations for
    the first ten and every diagnostic in the job summary."""
    items = sorted(set(diagnostics), key=Diagnostic.sort_key)
    write_diagnostics(items, ctx.err, github_actions=ctx.in_github_actions)
    if ctx.in_github_actions and items:
        from reconciler.render.gha import append_step_summary

        append_step_summary(ctx.environ, diagnostics_markdown(items))


def diagnostics_markdown(items: Iterable[Diagnostic]) -> str:
    """Every diagnostic as a Markdown table for the job summary (user text escaped)."""
    from reconciler.render.markdown import escape_text

    rows = [
        f"| {escape_text(d.location)} | {d.severity.value} | {escape_text(d.message)}"
        + (f" (hint: {escape_text(d.hint)})" if d.hint else "")
        + " |"
        for d in items
    ]
    head = ["### voicectl: problems in the declarations", "", "| Where | | Problem |"]
    return "\n".join([*head, "|---|---|---|", *rows, "", ""])


def write_diagnostics(
    diagnostics: Iterable[Diagnostic], console: Console, *, github_actions: bool
) -> None:
    from rich.text import Text

    items = sorted(set(diagnostics), key=Diagnostic.sort_key)
    for diagnostic in items:
        lines = format_diagnostic(diagnostic)
        head = Text(lines[0])
        start = lines[0].find(f": {diagnostic.severity.value}: ") + 2
        style = "bold red" if diagnostic.is_error else "yellow"
        head.stylize(style, start, start + len(diagnostic.severity.value))
        console.print(head, soft_wrap=True)
        for extra in lines[1:]:
            console.print(Text(extra, style="dim"), soft_wrap=True)
    if github_actions:
        for diagnostic in items[:MAX_ANNOTATIONS]:
            console.print(Text(workflow_command(diagnostic)), soft_wrap=True, highlight=False)
    if items:
        console.print(Text(count_line(items)), soft_wrap=True)


def _safe(text: str) -> str:
    return clean(scrub(text))


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
