"""`voicectl drift`: does the remote still match the declarations? 0 yes, 2 no, 1 error.

The plan restricted to what a scheduled check cares about: drift, orphans, failed clones,
and declared voices missing from the remote (never applied, or lost).
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from reconciler.cli.context import Context
from reconciler.cli.planning import add_plan_arguments
from reconciler.model.exitcodes import ExitCode

DRIFT_ACTIONS = ("drift", "orphan", "failed", "create", "replace")


def register(sub: Any, name: str, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        name, parents=[common], help="check the remote against the declarations (0 ok, 2 drift)"
    )
    add_plan_arguments(parser)
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from reconciler.cli.planning import make_plan
    from reconciler.cli.workspace import open_api, open_workspace
    from reconciler.commands.plan import show_plan
    from reconciler.plan.plan import Action

    ws = open_workspace(args, ctx)
    ctx.notice(ws.settings.banner)
    with open_api(ws.settings, ctx) as api:
        plan = make_plan(args, ctx, ws, api).plan
    wanted = {Action(name) for name in DRIFT_ACTIONS}
    drifted = tuple(c for c in plan.changes if c.effective in wanted)
    kept = tuple(c for c in plan.changes if c.effective in wanted or c.action is Action.NOOP)
    show_plan(dataclasses.replace(plan, changes=kept), args, ctx, ws)
    if drifted:
        ctx.err.print(f"Drift: {len(drifted)} voice(s) differ from their declarations.")
        return ExitCode.CHANGES
    ctx.err.print("No drift.")
    return ExitCode.SUCCESS
