"""`voicectl drift`: does the remote still match the declarations? 0 yes, 2 no, 1 error.

The plan restricted to what a scheduled check cares about: drift, orphans, failed clones,
and declared voices missing from the remote (never applied, or lost).
"""

from __future__ import annotations

import argparse
from typing import Any

from reconciler.cli.arguments import OutputFormat, add_plan_arguments
from reconciler.cli.context import Context
from reconciler.cli.helptext import parser_options
from reconciler.model.exitcodes import ExitCode


def register(sub: Any, name: str, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        name,
        parents=[common],
        help="check the remote against the declarations (0 ok, 2 drift)",
        **parser_options(name),
    )
    add_plan_arguments(parser, writes=False)
    parser.add_argument(
        "--format",
        choices=[f.value for f in OutputFormat],
        default="text",
        help="text (default), json (the plan document, exit_reason drift | no_drift) or markdown",
    )
    parser.add_argument(
        "--issue",
        action="store_true",
        help="keep one GitHub issue per target: open it on drift, edit it while drift lasts, "
        "close it when drift clears (GITHUB_TOKEN, GITHUB_REPOSITORY)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from reconciler.cli.arguments import plan_display, selection_of, target_options
    from reconciler.cli.workspace import open_api, open_workspace
    from reconciler.commands.plan import show_plan
    from reconciler.orchestration.repository import plan_repository
    from reconciler.render.wording import drift_line

    ws = open_workspace(ctx, target_options(args))
    ctx.notice(ws.settings.banner)
    with open_api(ws.settings, ctx) as api:
        checked = plan_repository(ws.source, selection_of(args, drift_check=True), api).plan
    display = plan_display(args)
    data = show_plan(checked, display, ctx, ws)
    if display.format is not OutputFormat.TEXT:  # stdout is JSON/Markdown: say it on stderr
        ctx.err.print(drift_line(data), markup=False, highlight=False, soft_wrap=True)
    if args.issue:
        _sync_issue(ctx, data, drifted=bool(checked.drifted))
    return ExitCode.CHANGES if checked.drifted else ExitCode.SUCCESS


def _sync_issue(ctx: Context, data: dict[str, Any], *, drifted: bool) -> None:
    """Open, edit or close this target's drift issue (github/issues.py)."""
    import httpx

    from reconciler.github.api import GitHubApi
    from reconciler.github.issues import drift_marker, sync_drift_issue
    from reconciler.github.prcontext import load_pr_context
    from reconciler.redact import scrub
    from reconciler.render.markdown import render_markdown

    target = str(data["target"]["name"])
    body = None
    if drifted:
        env = ctx.environ
        run = env.get("GITHUB_RUN_ID", "")
        server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
        link = (
            f"\n[Workflow run]({server}/{env.get('GITHUB_REPOSITORY', '')}/actions/runs/{run})\n"
            if run.isdigit()
            else ""
        )
        body = scrub(f"{drift_marker(target)}\n{render_markdown(data, max_chars=60_000)}{link}")
    gh = load_pr_context(ctx.environ, require_pr=False)
    with httpx.Client() as http:
        result = sync_drift_issue(
            GitHubApi(http, gh.api_url, gh.repository, gh.token), target, body
        )
    shown = f" #{result.number}" if result.number else ""
    ctx.err.print(f"drift issue{shown}: {result.action}", markup=False, highlight=False)
