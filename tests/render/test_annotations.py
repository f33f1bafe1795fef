"""Diagnostics rendering: plain lines, GitHub workflow commands, inert user text (S10)."""

from __future__ import annotations

import io

from rich.console import Console

from reconciler.model.errors import Diagnostic, Location, Severity
from reconciler.render.annotations import (
    count_line,
    format_diagnostic,
    workflow_command,
    write_diagnostics,
)


def _console(color: bool = False) -> tuple[Console, io.StringIO]:
    stream = io.StringIO()
    console = Console(
        file=stream, width=60, no_color=not color, force_terminal=color, highlight=False
    )
    return console, stream


def test_workflow_command_escapes_data_and_properties() -> None:
    diagnostic = Diagnostic(
        Location("voices/a,b:c.yaml", 7, 11), Severity.ERROR, "100% bad\r\nline", "fix it"
    )
    assert workflow_command(diagnostic) == (
        "::error file=voices/a%2Cb%3Ac.yaml,line=7,col=11::100%25 badline%0Ahint: fix it"
    )


def test_warning_without_line_has_no_position() -> None:
    diagnostic = Diagnostic(Location("voices"), Severity.WARNING, "x")
    assert workflow_command(diagnostic) == "::warning file=voices::x"


def test_user_text_is_printed_literally_without_controls() -> None:
    message = "alias '[bold]x[/] [link=https://e.vil]y[/link]' \x1b[31m::error::z\u202e"
    diagnostic = Diagnostic(Location("voices/a.yaml", 1, 1), Severity.ERROR, message)
    console, stream = _console()
    write_diagnostics([diagnostic], console, github_actions=False)
    assert stream.getvalue() == (
        "voices/a.yaml:1:1: error: alias '[bold]x[/] [link=https://e.vil]y[/link]' [31m::error::z\n"
        "1 error, 0 warnings\n"
    )


def test_long_lines_are_not_wrapped() -> None:
    diagnostic = Diagnostic(Location("voices/a.yaml", 1, 1), Severity.ERROR, "word " * 40)
    console, stream = _console()
    write_diagnostics([diagnostic], console, github_actions=True)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[1].startswith("::error file=voices/a.yaml,line=1,col=1::word word")


def test_colour_marks_only_the_severity() -> None:
    diagnostic = Diagnostic(Location("voices/a.yaml", 1, 1), Severity.ERROR, "bad", "fix")
    console, stream = _console(color=True)
    write_diagnostics([diagnostic, diagnostic], console, github_actions=False)
    text = stream.getvalue()
    assert "\x1b[" in text
    assert text.count("bad") == 1  # duplicates collapse


def test_format_and_count() -> None:
    diagnostic = Diagnostic(Location("v.yaml", 2, 3), Severity.WARNING, "w", "h")
    assert format_diagnostic(diagnostic) == ["v.yaml:2:3: warning: w", "  hint: h"]
    assert count_line([diagnostic]) == "0 errors, 1 warning"
