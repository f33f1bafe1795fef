"""`voicectl schema [voice|plan|project]`: print a JSON Schema as shipped in the package."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from reconciler.cli.helptext import parser_options
from reconciler.model.exitcodes import ExitCode

if TYPE_CHECKING:
    from reconciler.cli.context import Context

KINDS = ("voice", "plan", "project", "validate")
SCHEMA_DESCRIPTION = """\
Print the JSON Schema of voice declarations (default), plan files, voicectl.yaml or
the output of `validate --format json`, e.g. for an editor or check-jsonschema.
"""


def register(sub: Any, name: str, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        name,
        parents=[common],
        help="print a JSON Schema (voice declarations, plan files, voicectl.yaml)",
        **parser_options(name, SCHEMA_DESCRIPTION),
    )
    parser.add_argument("kind", nargs="?", default="voice", choices=KINDS, help="which schema")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from rich.text import Text

    from reconciler.declarations.schemacheck import schema_text

    try:
        text = schema_text(args.kind)
    except OSError:
        ctx.err.print(Text(f"error: the {args.kind} schema is not installed"), soft_wrap=True)
        return ExitCode.ERROR
    stream = ctx.out.file
    stream.write(text if text.endswith("\n") else text + "\n")
    stream.flush()
    return ExitCode.SUCCESS
