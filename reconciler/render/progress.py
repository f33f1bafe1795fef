"""Apply progress: events → one plain line each (CI, pipes) or a rich Live table (TTY).

Plain mode never writes animation or cursor codes; under GitHub Actions each voice's lines
are folded into a `::group::<alias>` section. Every external string is cleaned of control
characters and rendered as `Text`, never as markup. Nothing here decides what happens.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

from reconciler.apply.events import (
    Adopted,
    Busy,
    Event,
    FolderReady,
    Heartbeat,
    Interrupted,
    NotAttempted,
    Retrying,
    StatusChanged,
    Submitted,
    Uploaded,
    UploadProcessing,
    UploadSending,
    UploadSkipped,
    VoiceFailed,
    VoicePending,
    VoiceStarted,
    VoiceSucceeded,
    VoiceUnknown,
    WaitStarted,
)
from reconciler.model.values import CloneStatus
from reconciler.redact import clean, safe
from reconciler.render.gha import format_command

HEARTBEAT_NAMES = 5  # aliases named in one heartbeat line before "+N more"
_CLOSES_GROUP = (Submitted, Adopted, VoiceFailed, NotAttempted, VoiceUnknown)
_FINAL = (VoiceSucceeded, VoicePending, VoiceFailed, NotAttempted, VoiceUnknown)


def format_size(size: int) -> str:
    """Decimal units, like the engine limits (MB = 10^6 bytes)."""
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{size / 1000:.1f} KB"
    return f"{size / 1_000_000:.1f} MB"


def format_elapsed(seconds: float) -> str:
    """`40 s`, `4m30s`, `2h05m`."""
    total = max(0, int(seconds))
    if total < 60:
        return f"{total} s"
    if total < 3600:
        return f"{total // 60}m{total % 60:02d}s"
    return f"{total // 3600}h{total % 3600 // 60:02d}m"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _heartbeat(event: Heartbeat) -> str:
    noun = "clone" if event.kind is Busy.WAITING else "voice"
    groups: dict[str, list[str]] = {}
    for alias, status in event.entries:
        groups.setdefault(clean(status), []).append(clean(alias))
    parts = []
    for status, aliases in groups.items():
        named = ", ".join(aliases[:HEARTBEAT_NAMES])
        if len(aliases) > HEARTBEAT_NAMES:
            named += f", +{len(aliases) - HEARTBEAT_NAMES} more"
        parts.append(f"{_plural(len(aliases), noun)} {status} ({named})")
    body = ", ".join(parts) if parts else "nothing in flight"
    return f"{clean(event.kind)}: {body} {format_elapsed(event.elapsed_s)}"


def event_line(event: Event) -> str | None:
    """The plain line for one event, or None when the event has no line of its own."""
    match event:
        case FolderReady(name=name, created=True):
            return f"created folder {clean(name)}"
        case Uploaded(path=path, size=size, index=i, total=n):
            return f"[{i}/{n}] uploaded {clean(path)} ({format_size(size)})"
        case UploadSkipped(path=path, reason=reason, index=i, total=n):
            return f"[{i}/{n}] reused {clean(path)} ({safe(reason, 120)})"
        case UploadProcessing(alias=alias, path=path, waited_s=waited, status=status):
            shown = f"{clean(path)} still {clean(status)} on the server"
            return f"{clean(alias)}: {shown} (waited {format_elapsed(waited)})"
        case Retrying(alias=alias, step=step, reason=reason):
            return f"{clean(alias)}: {clean(step)}: {safe(reason, 300)}"
        case Submitted(alias=alias, credits=credits):
            return f"created {clean(alias)} ({credits:,} credits on success)"
        case Adopted(alias=alias, status=status, reason=reason):
            return f"adopted {clean(alias)} ({safe(reason, 120)}, {clean(status)})"
        case WaitStarted(count=count, timeout_s=timeout):
            return f"waiting for {_plural(count, 'clone')} (up to {format_elapsed(timeout)})"
        case StatusChanged(status=CloneStatus.SUCCEEDED | CloneStatus.FAILED):
            return None  # the voice's final line says it, with the reason
        case StatusChanged(alias=alias, status=status, elapsed_s=elapsed):
            return f"{clean(alias)}: {clean(status)} {format_elapsed(elapsed)}"
        case Heartbeat():
            return _heartbeat(event)
        case VoiceSucceeded(alias=alias, adopted=adopted, discarded=discarded):
            notes = (["adopted"] if adopted else []) + (
                [f"{_plural(discarded, 'file')} discarded"] if discarded else []
            )
            return f"{clean(alias)}: succeeded" + (f" ({', '.join(notes)})" if notes else "")
        case VoicePending(alias=alias, status=status, elapsed_s=elapsed):
            return (
                f"{clean(alias)}: pending (still {clean(status)} after "
                f"{format_elapsed(elapsed)}; the next plan or apply picks it up)"
            )
        case VoiceFailed(alias=alias, reason=reason):
            return f"{clean(alias)}: failed: {safe(reason, 300)}"
        case NotAttempted(alias=alias, reason=reason):
            return f"{clean(alias)}: not attempted: {safe(reason, 300)}"
        case VoiceUnknown(alias=alias, reason=reason):
            return f"{clean(alias)}: unknown: {safe(reason, 300)}"
        case Interrupted(in_flight=busy, grace_s=grace):
            named = f" ({', '.join(clean(a) for a in busy)})" if busy else ""
            return (
                f"interrupted: starting nothing new; waiting up to {format_elapsed(grace)} "
                f"for {_plural(len(busy), 'voice')} in flight{named}"
            )
    return None


def sending_phase(event: UploadSending) -> str:
    """The live table's phase while a file's bytes go out: `uploading take-01.wav 1.3 of
    4.2 MB (31%)`. Plain lines never show it: CI gets the one `uploaded` line per file."""
    share = 100 if event.size <= 0 else min(100, event.sent * 100 // event.size)
    name = clean(event.path.rsplit("/", 1)[-1])
    return f"uploading {name} {_size_part(event.sent, event.size)} ({share}%)"


def _size_part(sent: int, size: int) -> str:
    """`1.3 of 4.2 MB`: both in the unit of the total."""
    whole = format_size(size)
    unit = whole.rsplit(" ", 1)[-1]
    scale = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9}.get(unit, 1)
    number = f"{sent / scale:.1f}" if scale > 1 else str(sent)
    return f"{number} of {whole}"


class PlainProgress:
    """One line per event on a non-interactive console; thread-safe."""

    def __init__(self, console: Console, *, github: bool = False) -> None:
        self._console = console
        self._github = github
        self._lock = threading.Lock()
        self._groups: dict[str, list[str]] = {}  # GitHub Actions: lines held per voice

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def emit(self, event: Event) -> None:
        line = event_line(event)
        with self._lock:
            alias = getattr(event, "alias", None)
            if self._github and isinstance(event, VoiceStarted):
                self._groups[event.alias] = []
            if self._github and alias in self._groups:
                if line is not None:
                    self._groups[alias].append(line)
                if isinstance(event, _CLOSES_GROUP):
                    self._flush(alias)
            elif line is not None:
                self._print(line)

    def close(self) -> None:
        with self._lock:
            for alias in list(self._groups):
                self._flush(alias)

    def _flush(self, alias: str) -> None:
        lines = self._groups.pop(alias, [])
        self._print(format_command("group", clean(alias)))
        for line in lines:
            self._print(line)
        self._print("::endgroup::")

    def _print(self, line: str) -> None:
        self._console.print(Text(line), soft_wrap=True, highlight=False)


class LiveProgress:
    """A rich Live table (alias, phase, elapsed) for an interactive terminal."""

    MAX_ROWS = 20

    def __init__(self, console: Console, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._console = console
        self._clock = clock
        self._lock = threading.Lock()
        self._rows: dict[str, tuple[str, float]] = {}  # alias → (phase, started)
        self._done: dict[str, str] = {}
        self._live: Live | None = None

    def __enter__(self) -> LiveProgress:
        # transient: the table gives way to the final report; finished voices stay as lines
        self._live = Live(
            get_renderable=self._table,
            console=self._console,
            refresh_per_second=4,
            transient=True,
        )
        self._live.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._live is not None:
            self._live.__exit__(kind, exc, tb)
            self._live = None

    def emit(self, event: Event) -> None:
        alias = getattr(event, "alias", None)
        with self._lock:
            if isinstance(event, VoiceStarted):
                self._rows[event.alias] = ("starting", self._clock())
            elif isinstance(event, UploadSending):
                started = self._rows.get(event.alias, ("", self._clock()))[1]
                self._rows[event.alias] = (sending_phase(event), started)
            elif isinstance(event, _FINAL) and alias is not None:
                self._rows.pop(alias, None)
                self._done[alias] = event_line(event) or ""
            elif alias is not None and (line := event_line(event)) is not None:
                started = self._rows.get(alias, ("", self._clock()))[1]
                self._rows[alias] = (_without_alias(line, alias), started)
        if isinstance(event, _FINAL) and self._live is not None:
            self._live.console.print(_text(event_line(event) or ""))

    def _table(self) -> Table:
        table = Table(box=None, show_header=True, header_style="bold")
        for name in ("alias", "phase", "elapsed"):
            table.add_column(name)
        now = self._clock()
        with self._lock:
            rows = sorted(self._rows.items())
            done = len(self._done)
        for alias, (phase, started) in rows[: self.MAX_ROWS]:
            table.add_row(_text(alias), _text(phase), format_elapsed(now - started))
        if len(rows) > self.MAX_ROWS:
            table.add_row(_text(f"+{len(rows) - self.MAX_ROWS} more"), "", "")
        table.caption = f"{done} finished"
        return table


def _without_alias(line: str, alias: str) -> str:
    """The alias has its own column: `created anna (…)` / `anna: in_progress` → the rest."""
    for prefix in (f"{alias}: ", f"{alias} "):
        if line.startswith(prefix):
            return line[len(prefix) :]
    return line.replace(f" {alias} ", " ", 1)


def _text(value: str) -> Text:
    return Text(clean(value))


def open_progress(
    console: Console, *, github: bool = False, clock: Callable[[], float] = time.monotonic
) -> PlainProgress | LiveProgress:
    """Live table on an interactive terminal (never in GitHub Actions), plain lines else."""
    if console.is_interactive and not github:
        return LiveProgress(console, clock=clock)
    return PlainProgress(console, github=github)
