"""The one thin CLI: parse arguments, build the context, call one handler, return a code.

This is the only module that reads os.environ, touches sys.stdout/stderr or exits.
Handlers live in reconciler/commands/<name>.py and are imported lazily.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, TextIO

from reconciler import __version__
from reconciler.model.exitcodes import ExitCode

if TYPE_CHECKING:
    from reconciler.cli.context import Context

# subcommand → module in reconciler.commands (imported only when needed)
COMMANDS: dict[str, str] = {
    "init": "init",
    "validate": "validate",
    "audio": "audio",
    "plan": "plan",
    "apply": "apply",
    "status": "status",
    "drift": "drift",
    "import": "importing",
    "comment": "comment",
    "engines": "engines",
    "targets": "targets",
    "schema": "schema",
    "emulator": "emulator",
    "completion": "completion",
}


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors; 2 means "changes present" here, so use 1."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(1)


def _available_commands() -> dict[str, ModuleType]:
    modules: dict[str, ModuleType] = {}
    for name, module in COMMANDS.items():
        try:
            modules[name] = importlib.import_module(f"reconciler.commands.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"reconciler.commands.{module}":
                raise
    return modules


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a flag given before or after the subcommand must both count
    hide = argparse.SUPPRESS
    common.add_argument("--debug", action="store_true", default=hide, help="show tracebacks")
    common.add_argument(
        "--no-color", action="store_true", default=hide, help="plain text (also NO_COLOR)"
    )
    common.add_argument(
        "--quiet", "-q", action="store_true", default=hide, help="only errors and results"
    )
    parser = _Parser(
        prog="voicectl",
        description="GitOps for cloned voices: validate, plan and apply AudioStack voices.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"voicectl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, module in _available_commands().items():
        module.register(sub, name, common)
    return parser


def _make_consoles(environ: Mapping[str, str], stdout: TextIO, stderr: TextIO, no_color: bool):  # type: ignore[no-untyped-def]
    from rich.console import Console

    in_actions = environ.get("GITHUB_ACTIONS") == "true"
    width = 160 if in_actions else None
    plain = no_color or "NO_COLOR" in environ

    class PipeAwareConsole(Console):
        def on_broken_pipe(self) -> None:
            # rich exits 1 here; a reader that left (`| head`) is not an error: see _dispatch
            raise BrokenPipeError

    def console(stream: TextIO) -> Console:
        return PipeAwareConsole(
            file=stream,
            highlight=False,
            no_color=plain,
            color_system=None if plain else "auto",  # plain: no bold either, no ANSI at all
            width=width,
            emoji=False,
            markup=False,
            soft_wrap=True,  # a long error line stays one line in CI logs
            force_interactive=False if in_actions else None,
        )

    return console(stdout), console(stderr)


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """parse_args, except that an option the subcommand does not take is reported with
    that subcommand's usage (`voicectl status: error: unrecognized arguments: --format`)."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        commands = next(
            (a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None
        )
        chosen = commands.choices.get(getattr(args, "command", None) or "") if commands else None
        (chosen or parser).error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    stdin: TextIO | None = None,
    cwd: Path | None = None,
) -> int:
    from reconciler.cli.context import Context
    from reconciler.model.endpoints import secret_values
    from reconciler.redact import ScrubbedStream, register_secret

    env = dict(os.environ if environ is None else environ)
    for secret in secret_values(env):  # before anything, even a usage error, is printed
        register_secret(secret)
    out_stream: TextIO = ScrubbedStream(stdout or sys.stdout)  # type: ignore[assignment]
    err_stream: TextIO = ScrubbedStream(stderr or sys.stderr)  # type: ignore[assignment]
    in_stream = stdin or sys.stdin
    parser = build_parser()
    try:  # usage errors and --help go to the streams this call was given
        with contextlib.redirect_stderr(err_stream), contextlib.redirect_stdout(out_stream):
            args = _parse(parser, argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    # the common flags default to SUPPRESS (given before or after the subcommand): absent = off
    debug, no_color, quiet = (bool(getattr(args, f, False)) for f in ("debug", "no_color", "quiet"))
    if not getattr(args, "command", None):
        parser.print_help(out_stream)
        return ExitCode.ERROR
    out, err = _make_consoles(env, out_stream, err_stream, no_color)
    try:
        is_tty = in_stream.isatty()
    except (AttributeError, ValueError):
        is_tty = False
    ctx = Context(
        out=out,
        err=err,
        environ=env,
        cwd=(cwd or Path.cwd()).resolve(),
        stdin=in_stream,
        stdin_is_tty=is_tty,
        debug=debug,
        quiet=quiet,
    )
    return _dispatch(args, ctx)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _dispatch(args: argparse.Namespace, ctx: Context) -> int:
    from reconciler.cli.failures import report_failure

    try:
        return int(args.handler(args, ctx))
    except KeyboardInterrupt:
        ctx.err.print("interrupted", style="bold")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # `voicectl plan | head`: the reader left; not our error
        _silence_stdout()
        return ExitCode.BROKEN_PIPE  # what a shell reports for a program cut off by a pipe
    except BaseException as exc:
        if isinstance(exc, SystemExit):
            raise
        return report_failure(exc, ctx, debug=ctx.debug)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
