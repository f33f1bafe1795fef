"""`voicectl plan`: read the remote (GET only), diff, show what apply would do and cost."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reconciler.cli.arguments import OutputFormat, PlanDisplay, add_plan_arguments
from reconciler.cli.context import Context
from reconciler.cli.helptext import parser_options
from reconciler.model.errors import ConfigError
from reconciler.model.exitcodes import ExitCode

if TYPE_CHECKING:
    from reconciler.cli.workspace import Workspace
    from reconciler.model.errors import Diagnostic
    from reconciler.plan.value import Plan


def register(sub: Any, name: str, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        name,
        parents=[common],
        help="show what apply would do and what it costs (GET only)",
        **parser_options(name),
    )
    add_plan_arguments(parser)
    parser.add_argument("--format", choices=[f.value for f in OutputFormat], default="text")
    parser.add_argument("--out", type=Path, metavar="PLAN.json", help="save the plan for apply")
    parser.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 0 without changes, 2 with changes (1 error, 4 blocked)",
    )
    parser.set_defaults(handler=run)


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def git_facts(ws: Workspace, base: str | None) -> dict[str, str | None]:
    from reconciler.orchestration.git import head_commit, resolve_ref

    return {
        "head": head_commit(ws.root),
        "base": resolve_ref(ws.root, base) if base else None,
    }


def show_plan(
    plan: Plan,
    display: PlanDisplay,
    ctx: Context,
    ws: Workspace,
    *,
    credits_output: str = "credits",
) -> dict[str, Any]:
    """Render the plan as `display` says; in GitHub Actions also the summary and the outputs
    (the plan's cost under `credits_output`: apply writes the credits it spent instead)."""
    from reconciler.commands.targets import environment_of
    from reconciler.render.gha import append_step_summary, write_outputs
    from reconciler.render.jsonout import dump_json
    from reconciler.render.markdown import render_markdown
    from reconciler.render.text import render_plan

    data = plan.to_dict(
        created_at=now_utc(),
        git=git_facts(ws, display.base),
        api_url=ws.settings.api_url,
    )
    if display.format is OutputFormat.JSON:
        ctx.out.print(dump_json(data), markup=False, highlight=False, soft_wrap=True)
    elif display.format is OutputFormat.MARKDOWN:
        ctx.out.print(render_markdown(data, detail=display.detail), markup=False, soft_wrap=True)
    else:
        render_plan(data, ctx.out, detail=display.detail)
    warnings = _write_warnings(plan)
    if warnings:  # e.g. a short non-English voice about to be cloned: human text, stderr
        from reconciler.render.annotations import write_diagnostics

        write_diagnostics(warnings, ctx.err, github_actions=False)
    if ctx.in_github_actions:
        append_step_summary(ctx.environ, render_markdown(data, detail=display.detail))
        write_outputs(
            ctx.environ,
            {
                "has_changes": plan.has_changes,
                "checksum": plan.checksum(),
                credits_output: plan.cost,
                "exit_reason": plan.exit_reason,
                "environment": environment_of(ws.project, ws.settings.target),
            },
        )
    return data


def _write_warnings(plan: Plan) -> tuple[Diagnostic, ...]:
    """Load warnings of the voices this plan would create or replace (validate shows all)."""
    from reconciler.plan.value import Action

    paths = {
        c.declared.source.path
        for c in plan.changes
        if c.declared is not None and c.effective in (Action.CREATE, Action.REPLACE)
    }
    return tuple(d for d in plan.diagnostics if d.location.path in paths)


def plan_exit_code(plan: Plan, detailed: bool) -> ExitCode:
    if plan.blocked:
        return ExitCode.BLOCKED
    return ExitCode.CHANGES if detailed and plan.has_changes else ExitCode.SUCCESS


def _out_path(args: argparse.Namespace, ctx: Context) -> Path | None:
    """--out resolved against the CLI's working directory; its folder must exist (checked
    before any request, so a typo costs nothing)."""
    if not args.out:
        return None
    out: Path = ctx.cwd / args.out
    if not out.parent.is_dir():
        raise ConfigError(f"cannot write {args.out}: folder {out.parent.name or '/'} not found")
    return out


def run(args: argparse.Namespace, ctx: Context) -> int:
    from reconciler.cli.arguments import plan_display, selection_of, target_options
    from reconciler.cli.context import progress_to
    from reconciler.cli.workspace import open_api, open_workspace
    from reconciler.orchestration.repository import plan_repository

    ws = open_workspace(ctx, target_options(args))
    out = _out_path(args, ctx)
    ctx.notice(ws.settings.banner)
    with open_api(ws.settings, ctx) as api:
        result = plan_repository(ws.source, selection_of(args), api, progress=progress_to(ctx))
    show_plan(result.plan, plan_display(args), ctx, ws)
    if out is not None:
        from reconciler.plan.planfile import write_plan  # jsonschema: only when saving

        try:
            write_plan(
                result.plan,
                out,
                created_at=now_utc(),
                git=git_facts(ws, args.base),
                api_url=ws.settings.api_url,
            )
        except OSError as exc:
            raise ConfigError(f"cannot write {args.out}: {exc.strerror or exc}") from None
        saved = f"saved plan to {args.out} (checksum {result.plan.checksum()})"
        ctx.err.print(saved, markup=False, soft_wrap=True)  # one greppable line
    return plan_exit_code(result.plan, args.detailed_exitcode)
