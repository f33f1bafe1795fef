"""Turn an exception into one or two lines on stderr and an exit code (never a traceback
unless --debug). Secrets are scrubbed from every message."""

from __future__ import annotations

import traceback

from rich.text import Text

from reconciler.cli.context import Context
from reconciler.model.errors import DeclarationError, VoicectlError
from reconciler.model.exitcodes import ExitCode
from reconciler.redact import clean, scrub


def report_failure(exc: BaseException, ctx: Context, *, debug: bool) -> ExitCode:
    if debug:
        ctx.err.print(Text(scrub("".join(traceback.format_exception(exc)))))
    if isinstance(exc, DeclarationError):
        from reconciler.render.annotations import print_diagnostics

        print_diagnostics(exc.diagnostics, ctx)
        return exc.exit_code
    if isinstance(exc, VoicectlError):
        # multi-line messages (a stale plan lists both action sets) keep their line breaks
        ctx.err.print(Text(f"error: {clean(scrub(str(exc)), keep_newlines=True)}"))
        return exc.exit_code
    message = clean(scrub(str(exc)))
    ctx.err.print(
        Text(
            f"internal error: {type(exc).__name__}: {message} (rerun with --debug for a traceback)"
        )
    )
    return ExitCode.ERROR
