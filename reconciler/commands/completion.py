"""`voicectl completion bash|zsh|fish`: print a completion script (cli/shellcompletion.py)."""

from __future__ import annotations

import argparse
from typing import Any

from reconciler.cli.context import Context
from reconciler.cli.helptext import parser_options
from reconciler.model.exitcodes import ExitCode

SHELLS = ("bash", "zsh", "fish")


def register(sub: Any, name: str, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        name,
        parents=[common],
        help="print a shell completion script (bash, zsh, fish)",
        **parser_options(name),
    )
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete for")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from reconciler.cli.main import build_parser
    from reconciler.cli.shellcompletion import command_specs, completion_script

    script = completion_script(args.shell, command_specs(build_parser()))
    stream = ctx.out.file
    stream.write(script)
    stream.flush()
    return ExitCode.SUCCESS
