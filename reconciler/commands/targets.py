"""`voicectl targets`: print the target names of voicectl.yaml, one per line, offline.

Scripts (the composite action's `targets: all`) loop over this output; `default` stands
for the implicit target of a repository that declares none. `--format json` adds each
target's GitHub environment, and in GitHub Actions the step outputs `targets`, `matrix`
(a JSON list, for `strategy.matrix`) and `environments` (a JSON object, target →
environment) that the shipped workflows build their per-target jobs from. No key, no
network here.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from reconciler.cli.context import Context
from reconciler.cli.helptext import parser_options
from reconciler.model.exitcodes import ExitCode
from reconciler.model.settings import DEFAULT_ENVIRONMENT

if TYPE_CHECKING:
    from reconciler.declarations.project import ProjectConfig

DESCRIPTION = """\
Print the names of the targets declared in voicectl.yaml, sorted, one per line
(`default` when the file declares none or is absent). Offline, no API key.

--format json prints {"targets": [{"name": …, "environment": …}, …]}: the GitHub
environment whose approval applies each target (`environment:` in voicectl.yaml,
default production). Under GitHub Actions the step outputs `targets` ("prod staging"),
`matrix` (["prod","staging"]) and `environments` ({"prod":"production",…}).

Examples:
  voicectl targets
  voicectl targets --format json

Exit status: 0, or 1 when voicectl.yaml is invalid.
"""


def register(sub: Any, name: str, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        name,
        parents=[common],
        help="print the target names of voicectl.yaml, one per line",
        **parser_options(name, DESCRIPTION),
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    import json

    from reconciler.declarations.loading import load_project
    from reconciler.declarations.project import find_root
    from reconciler.render.gha import write_outputs

    project = load_project(find_root(ctx.cwd))
    environments = {name: environment_of(project, name) for name in project.target_names}
    if args.format == "json":
        listing = [{"name": n, "environment": e} for n, e in environments.items()]
        ctx.out.print(json.dumps({"targets": listing}), markup=False, highlight=False)
    else:
        for name in project.target_names:
            ctx.out.print(name, markup=False, highlight=False, soft_wrap=True)
    write_outputs(
        ctx.environ,
        {
            "targets": " ".join(environments),
            "matrix": json.dumps(list(environments), separators=(",", ":")),
            "environments": json.dumps(environments, separators=(",", ":")),
        },
    )
    return ExitCode.SUCCESS


def environment_of(project: ProjectConfig, target: str) -> str:
    """The GitHub environment whose approval applies `target` (default: production)."""
    config = project.targets.get(target)
    return config.environment if config else DEFAULT_ENVIRONMENT
