"""What a subcommand handler gets from the CLI: consoles, environment, working directory.

Handlers never touch os.environ, sys.stdout or the real clock directly; tests build a
Context around StringIO consoles and a dict environment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console


@dataclass(frozen=True)
class Context:
    out: Console  # stdout: the command's product (plan text, JSON, tables)
    err: Console  # stderr: notices, progress, diagnostics
    environ: Mapping[str, str]
    cwd: Path
    stdin: TextIO
    stdin_is_tty: bool
    debug: bool = False
    quiet: bool = False  # --quiet: only errors and results (no banner, no progress lines)

    def notice(self, text: str) -> None:
        """A line on stderr that is neither an error nor a result (the target banner):
        silenced by --quiet."""
        if not self.quiet:
            self.err.print(text, markup=False, highlight=False, soft_wrap=True)

    @property
    def in_github_actions(self) -> bool:
        return self.environ.get("GITHUB_ACTIONS") == "true"

    @property
    def in_ci(self) -> bool:
        return self.in_github_actions or bool(self.environ.get("CI"))


def progress_to(ctx: Context) -> Callable[[str, int, int], None]:
    """A plain line per measured recording, for long audio measuring (silenced by --quiet)."""

    def report(path: str, done: int, total: int) -> None:
        ctx.notice(f"measured {path} ({done} of {total})")

    return report
