"""`voicectl validate [PATH…]`: schema, cross-file, audio and engine rules; offline, no key.

Heavy modules are imported inside run(); validate never imports httpx, deepdiff,
jsonschema (unless a document fails the fast path) or rich.live.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reconciler.cli.helptext import parser_options
from reconciler.model.exitcodes import ExitCode

if TYPE_CHECKING:
    from collections.abc import Sequence

    from reconciler.cli.context import Context
    from reconciler.model.errors import Diagnostic
    from reconciler.model.values import Declaration

DESCRIPTION = """\
Check voice declarations without network access or an API key: strict YAML, the JSON
Schema (schemas/voice.schema.json), file references, audio files and the engine limits.

Without PATH, every .yaml/.yml file under the voices directory (voices_dir in
voicectl.yaml, default voices/) is checked. With PATH arguments (files or folders, as
pre-commit passes them) only those files are checked and reported, but the whole voices
directory is still read so that an alias duplicated in another file is caught.

Exit status: 0 when there is no error (warnings allowed), 1 otherwise. All output goes
to stderr, except `--format json`: one document on stdout (`voicectl schema validate`).
"""


def register(sub: Any, name: str, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        name,
        parents=[common],
        help="check voice declarations offline (no key, no network)",
        **parser_options(name, DESCRIPTION),
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="YAML files or folders to check")
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (default): one line per problem on stderr; json: one document on stdout "
        "(schema: `voicectl schema validate`)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from rich.text import Text

    from reconciler.cli.context import progress_to
    from reconciler.declarations.loading import load_declarations, load_project
    from reconciler.declarations.project import find_root
    from reconciler.model.errors import DeclarationError
    from reconciler.render.annotations import count_line, print_diagnostics

    root = find_root(ctx.cwd)
    paths = [Path(p) if Path(p).is_absolute() else ctx.cwd / p for p in args.paths] or None
    try:
        project = load_project(root)
        result = load_declarations(
            root, paths, project=project, cache_dir=root / ".voicectl", progress=progress_to(ctx)
        )
    except DeclarationError as exc:
        if args.format == "json":
            return _print_json(ctx, (), exc.diagnostics)
        print_diagnostics(exc.diagnostics, ctx)
        return ExitCode.ERROR
    if args.format == "json":
        return _print_json(ctx, result.voices, result.warnings)
    if result.warnings:
        print_diagnostics(result.warnings, ctx)
    if not ctx.quiet:
        count = len(result.voices)
        noun = "voice" if count == 1 else "voices"
        ctx.err.print(
            Text(f"✓ {count} {noun} valid ({count_line(result.warnings).split(', ')[1]})"),
            soft_wrap=True,
        )
    return ExitCode.SUCCESS


def _print_json(ctx: Context, voices: Sequence[Declaration], found: Sequence[Diagnostic]) -> int:
    from reconciler.render.jsonout import dump_json
    from reconciler.render.validatejson import validation_dict

    data = validation_dict(voices, found)
    ctx.out.file.write(dump_json(data))
    ctx.out.file.flush()
    return ExitCode.SUCCESS if data["valid"] else ExitCode.ERROR
