"""`voicectl status`: one row per declared voice with its remote status (GET only)."""

from __future__ import annotations

import argparse
from typing import Any

from reconciler.cli.arguments import add_target_arguments
from reconciler.cli.context import Context
from reconciler.cli.helptext import parser_options
from reconciler.model.exitcodes import ExitCode


def register(sub: Any, name: str, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        name,
        parents=[common],
        help="remote status of every declared voice (GET only)",
        **parser_options(name),
    )
    add_target_arguments(parser, budget=False)  # status spends nothing: no --max-credits
    parser.add_argument(
        "--only", action="append", metavar="GLOB", help="only aliases matching GLOB (repeatable)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:

    from reconciler.cli.arguments import selection_of, target_options
    from reconciler.cli.workspace import open_api, open_workspace
    from reconciler.model.values import current_record
    from reconciler.orchestration.repository import plan_repository
    from reconciler.redact import clean
    from reconciler.render.grid import Grid, print_grid

    ws = open_workspace(ctx, target_options(args))
    ctx.notice(ws.settings.banner)
    with open_api(ws.settings, ctx) as api:
        result = plan_repository(ws.source, selection_of(args), api)
    grid = Grid(
        ["alias", "engine", "remote status", "files used", "discarded", "plan"], ruled=False
    )
    for voice in result.declared:
        record = current_record(result.remote.clones.get(voice.alias, ()))
        change = result.plan.change_for(voice.alias)
        grid.add_row(
            clean(voice.alias),
            voice.engine,
            clean(record.status) if record else "absent",
            str(len(record.files_used)) if record else "-",
            str(len(record.discarded)) if record else "-",
            change.action.value if change else "noop",
        )
    print_grid(ctx.out, grid)  # unsqueezed in a pipe: a long alias stays whole
    return ExitCode.SUCCESS
