"""`voicectl targets`: print the target names of voicectl.yaml, one per line, offline.

Scripts (the composite action's `targets: all`) loop over this output; `default` stands
for the implicit target of a repository that declares none. No key, no network here.
"""

from __future__ import annotations

import argparse
from typing import Any

from reconciler.cli.context import Context
from reconciler.model.exitcodes import ExitCode

DESCRIPTION = """\
Print the names of the targets declared in voicectl.yaml, sorted, one per line
(`default` when the file declares none or is absent). Offline, no API key.

Exit status: 0, or 1 when voicectl.yaml is invalid.
"""


def register(sub: Any, name: str, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        name,
        parents=[common],
        help="print the target names of voicectl.yaml, one per line",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from reconciler.declarations.loading import load_project
    from reconciler.declarations.project import find_root

    project = load_project(find_root(ctx.cwd))
    for name in project.target_names:
        ctx.out.print(name, markup=False, highlight=False, soft_wrap=True)
    return ExitCode.SUCCESS
