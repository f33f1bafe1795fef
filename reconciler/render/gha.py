"""GitHub Actions plumbing: workflow-command lines, $GITHUB_OUTPUT and the job summary.

Every value that reaches the runner log or a runner file is scrubbed of secrets and escaped
here, so no user text can forge a workflow command. Nothing here decides *what* to report.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path

from reconciler.redact import clean, scrub

SUMMARY_LIMIT = 1024 * 1024  # GitHub rejects a step summary over 1 MiB
SUMMARY_CUT_NOTE = "\n… job summary cut at GitHub's 1 MiB limit; see the plan artifact.\n"
ANNOTATION_LIMIT = 10  # GitHub shows at most 10 annotations of each kind per step
_OUTPUT_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_COMMANDS = frozenset({"error", "warning", "notice", "debug", "group", "add-mask"})


def in_github_actions(environ: Mapping[str, str]) -> bool:
    return environ.get("GITHUB_ACTIONS") == "true"


def escape_data(text: str) -> str:
    """Escape the message part of a workflow command (`%`, CR, LF)."""
    return scrub(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (`file=…`): the data escapes plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_command(command: str, message: str = "", **properties: str | int | None) -> str:
    """`::command key=value,…::message` with every part escaped; None properties dropped."""
    if command not in _COMMANDS:
        raise ValueError(f"unknown workflow command {command!r}")
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None and value != ""
    )
    head = f"::{command} {props}" if props else f"::{command}"
    return f"{head}::{escape_data(message)}"


def format_annotation(
    severity: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    col: int | None = None,
    title: str | None = None,
) -> str:
    """`::error file=…,line=…,col=…::message` (severity: error | warning | notice)."""
    if severity not in ("error", "warning", "notice"):
        raise ValueError(f"unknown annotation severity {severity!r}")
    return format_command(
        severity,
        clean(message, keep_newlines=True),
        file=clean(file) if file else None,
        line=line if line and line > 0 else None,
        col=col if col and col > 0 else None,
        title=clean(title) if title else None,
    )


def format_add_mask(secret: str) -> str:
    """`::add-mask::<secret>`; the one line allowed to hold a secret, so it is not scrubbed.

    Print it only when `in_github_actions` is true: anywhere else it would reveal the value.
    """
    escaped = secret.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::add-mask::{escaped}"


def mask_lines(environ: Mapping[str, str], values: Iterable[str | None]) -> list[str]:
    """The `::add-mask::` lines to print at start: none at all outside GitHub Actions."""
    if not in_github_actions(environ):
        return []
    return [format_add_mask(value) for value in values if value]


def format_group(title: str) -> str:
    return f"::group::{escape_data(clean(title))}"


def format_endgroup() -> str:
    return "::endgroup::"


def wrap_stop_commands(text: str, token: str | None = None) -> str:
    """Wrap untrusted text so the runner ignores workflow commands inside it.

    The token is random per call: text that guesses it cannot end the protected block.
    """
    token = token or secrets.token_hex(16)
    body = scrub(text)
    while token in body:  # pragma: no cover - 128 random bits
        token = secrets.token_hex(16)
    return f"::stop-commands::{token}\n{body}\n::{token}::"


def format_output(key: str, value: str) -> str:
    """One `$GITHUB_OUTPUT` entry in the multiline-safe heredoc form."""
    if not _OUTPUT_KEY.match(key):
        raise ValueError(f"invalid output name {key!r}")
    value = scrub(value)
    delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
    while delimiter in value:  # pragma: no cover - 128 random bits
        delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
    return f"{key}<<{delimiter}\n{value}\n{delimiter}\n"


def write_outputs(environ: Mapping[str, str], outputs: Mapping[str, str | int | bool]) -> bool:
    """Append step outputs to `$GITHUB_OUTPUT`; False (nothing written) when unset."""
    path = environ.get("GITHUB_OUTPUT")
    if not path:
        return False
    text = "".join(format_output(key, _output_text(value)) for key, value in outputs.items())
    with Path(path).open("a", encoding="utf-8") as handle:
        handle.write(text)
    return True


def _output_text(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def append_step_summary(
    environ: Mapping[str, str], markdown: str, *, limit: int = SUMMARY_LIMIT
) -> int:
    """Append Markdown to `$GITHUB_STEP_SUMMARY`, keeping the file under `limit` bytes.

    Returns the number of bytes written (0 when the variable is unset). A cut ends on a
    line boundary and says so.
    """
    path = environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return 0
    target = Path(path)
    used = target.stat().st_size if target.exists() else 0
    chunk = fit_summary(scrub(markdown), limit - used)
    if chunk:
        with target.open("a", encoding="utf-8") as handle:
            handle.write(chunk)
    return len(chunk.encode("utf-8"))


def fit_summary(markdown: str, room: int) -> str:
    """`markdown` (newline-terminated) if it fits in `room` bytes, else a cut with a note."""
    if not markdown.endswith("\n"):
        markdown += "\n"
    data = markdown.encode("utf-8")
    if len(data) <= room:
        return markdown
    note = SUMMARY_CUT_NOTE.encode("utf-8")
    keep = room - len(note)
    if keep <= 0:
        return ""
    head = data[:keep].decode("utf-8", errors="ignore")
    cut = head.rfind("\n")
    head = head[: cut + 1] if cut >= 0 else ""
    return head + SUMMARY_CUT_NOTE
