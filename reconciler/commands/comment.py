"""`voicectl comment PLAN.json [PLAN.json…]`: one sticky PR comment covering every target.

`--check-reviewed` instead compares the plans with the review record on the pull request
merged in GITHUB_SHA (the apply workflow's gate). Everything comes from ctx.environ.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reconciler.cli.context import Context
from reconciler.cli.helptext import parser_options
from reconciler.model.exitcodes import ExitCode

if TYPE_CHECKING:
    import httpx


COMMENT_DESCRIPTION = """\
Post the saved plans as one pull request comment (one section per target), found again
by a hidden marker and edited in place on every push. Uses GITHUB_TOKEN,
GITHUB_REPOSITORY, GITHUB_API_URL and GITHUB_EVENT_PATH.
"""


def register(sub: Any, name: str, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        name,
        parents=[common],
        help="post or update the sticky pull request comment with saved plans",
        **parser_options(name, COMMENT_DESCRIPTION),
    )
    parser.add_argument("plans", nargs="*", metavar="PLAN.json", help="saved plan files")
    parser.add_argument(
        "--failed",
        choices=("validate", "plan"),
        help="the step failed: replace the comment with its first errors (from --log)",
    )
    parser.add_argument(
        "--log",
        action="append",
        default=[],
        metavar="[TARGET=]FILE",
        help=(
            "the failed step's output; TARGET=FILE (with --failed plan, repeatable) names a "
            "target whose plan failed: it gets a failure section next to the PLAN.json files"
        ),
    )
    parser.add_argument(
        "--applied",
        nargs="+",
        type=Path,
        metavar="REPORT.json",
        help="after merge: post the apply reports on the pull request merged as GITHUB_SHA",
    )
    parser.add_argument(
        "--environment",
        metavar="NAME",
        help=(
            "the GitHub environment whose approval applies a merged plan (default: each "
            "target's `environment:` in voicectl.yaml, else production)"
        ),
    )
    parser.add_argument("--pr", type=int, metavar="N", help="pull request number (default: event)")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the comment body instead of posting it"
    )
    parser.add_argument(
        "--check-reviewed",
        action="store_true",
        help=(
            "do not post: check that the plans match the ones reviewed on the pull request "
            "merged as GITHUB_SHA (exit 3 if not)"
        ),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    import httpx

    from reconciler.github.sticky import GitHubError
    from reconciler.model.errors import ConfigError

    modes = sum(bool(x) for x in (args.failed, args.applied, args.check_reviewed))
    whole, by_target = _split_logs(args.log)
    mixed = args.failed == "plan" and not whole  # plans and failed targets in one comment
    wants_plans = not (args.failed or args.applied) or mixed
    if (
        modes > 1
        or (wants_plans and not mixed and not args.plans)
        or (not wants_plans and args.plans)
        or (args.log and not args.failed)
        or len(whole) > 1
        or (whole and by_target)
        or (args.failed == "validate" and by_target)
    ):
        raise ConfigError(
            "comment takes PLAN.json files, or --failed STEP --log FILE, or --applied "
            "REPORT.json (one of them); --failed plan --log TARGET=FILE adds a failed "
            "target to PLAN.json files"
        )
    plans = [_load_plan(ctx.cwd / path, path) for path in args.plans]
    try:
        with httpx.Client() as http:
            if args.check_reviewed:
                return _check_reviewed(plans, ctx, http)
            if args.applied:
                from reconciler.commands.commentapplied import post_applied

                return post_applied(args, ctx, http)
            return _post(plans, args, ctx, http)
    except GitHubError as exc:
        _print_error(ctx, str(exc), exc.hint)
        return ExitCode.ERROR


def _post(
    plans: Sequence[Mapping[str, Any]], args: argparse.Namespace, ctx: Context, http: httpx.Client
) -> int:
    from rich.text import Text

    from reconciler.github.body import MARKER_PREFIX, compose_comment, plan_head
    from reconciler.github.sticky import PrContext, load_pr_context, post_for_context
    from reconciler.render.gha import write_outputs
    from reconciler.render.markdown import render_markdown

    gh: PrContext | None = None
    if not args.dry_run or ctx.environ.get("GITHUB_TOKEN"):
        gh = load_pr_context(ctx.environ, require_pr=not args.dry_run, pr_number=args.pr)
    head_sha = gh.head_sha if gh else None

    def render(plan: Mapping[str, Any], max_chars: int) -> str:
        return render_markdown(plan, max_chars=max_chars, head_sha=plan_head(plan, head_sha))

    from reconciler.github.failure import failed_section, failure_comment

    facts = run_facts(ctx, args)
    whole, by_target = _split_logs(args.log)
    if args.failed and not by_target:
        log = _read_log(ctx, Path(whole[0]) if whole else None)
        body = failure_comment(args.failed, log, head_sha=head_sha, facts=facts)
    else:
        failed = {
            target: failed_section("plan", target, _read_log(ctx, Path(path)))
            for target, path in by_target.items()
        }
        body = compose_comment(plans, render=render, head_sha=head_sha, facts=facts, failed=failed)
    if args.dry_run or gh is None:
        ctx.out.print(Text(body.text), soft_wrap=True)
        return ExitCode.SUCCESS
    result = post_for_context(http, gh, body=body.text, marker=MARKER_PREFIX)  # legacy too
    ctx.out.print(Text(f"comment {result.action}: {result.url}"), soft_wrap=True)
    write_outputs(
        ctx.environ,
        {"comment_id": result.id, "comment_url": result.url, "comment_action": result.action},
    )
    return ExitCode.SUCCESS


def _check_reviewed(plans: Sequence[Mapping[str, Any]], ctx: Context, http: httpx.Client) -> int:
    from rich.text import Text

    from reconciler.github.body import MARKER_PREFIX, parse_review_records, review_problems
    from reconciler.github.sticky import (
        GitHubApi,
        find_merged_pull,
        iter_marked_comments,
        load_pr_context,
    )
    from reconciler.model.errors import ConfigError

    gh = load_pr_context(ctx.environ, require_pr=False)
    if not gh.sha:
        raise ConfigError("GITHUB_SHA is not set: --check-reviewed runs on a push to main")
    api = GitHubApi(http, gh.api_url, gh.repository, gh.token)
    pull = find_merged_pull(api, gh.sha)
    if pull is None:
        _print_error(
            ctx,
            f"commit {gh.sha[:12]} is not the merge of a pull request: no reviewed plan",
            "apply changes through a pull request, or run `voicectl apply` by hand",
        )
        return ExitCode.STALE_PLAN
    number = int(pull["number"])
    records = {}
    for comment in iter_marked_comments(api, number, MARKER_PREFIX):
        records.update(parse_review_records(str(comment["body"])))
    head = pull.get("head", {}).get("sha") if isinstance(pull.get("head"), dict) else None
    problems = review_problems(plans, records, pr_number=number, pr_head=head)
    for problem in problems:
        _print_error(ctx, problem, None)
    if problems:
        ctx.err.print(
            Text("  hint: review the combined change in a new pull request, or apply by hand"),
            soft_wrap=True,
        )
        return ExitCode.STALE_PLAN
    ctx.out.print(Text(f"plan matches the one reviewed on pull request #{number}"), soft_wrap=True)
    return ExitCode.SUCCESS


def run_facts(ctx: Context, args: argparse.Namespace) -> Any:
    """The workflow run's link (GITHUB_SERVER_URL/…/actions/runs/GITHUB_RUN_ID) and the
    environment whose approval applies each target (--environment, else voicectl.yaml)."""
    from reconciler.github.body import CommentFacts

    env = ctx.environ
    server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repo, run = env.get("GITHUB_REPOSITORY", ""), env.get("GITHUB_RUN_ID", "")
    url = f"{server}/{repo}/actions/runs/{run}" if repo and run.isdigit() else None
    if args.environment:
        return CommentFacts(run_url=url, environment=args.environment)
    return CommentFacts(run_url=url, environments=_environments(ctx))


def _environments(ctx: Context) -> dict[str, str]:
    """Each target's environment from voicectl.yaml (none when it is absent or invalid:
    the comment still goes out, saying `production`)."""
    from reconciler.commands.targets import environment_of
    from reconciler.declarations.loading import load_project
    from reconciler.declarations.project import find_root
    from reconciler.model.errors import VoicectlError

    try:
        project = load_project(find_root(ctx.cwd))
    except VoicectlError:
        return {}
    return {name: environment_of(project, name) for name in project.target_names}


_TARGET_LOG = re.compile(r"^(?P<target>[a-z0-9][a-z0-9_-]*)=(?P<path>.+)$")


def _split_logs(logs: list[str]) -> tuple[list[str], dict[str, str]]:
    """`--log` values: plain FILEs, and TARGET=FILE by target."""
    whole, by_target = [], {}
    for value in logs:
        match = _TARGET_LOG.match(value)
        if match:
            by_target[match["target"]] = match["path"]
        else:
            whole.append(value)
    return whole, by_target


def _read_log(ctx: Context, path: Path | None) -> str:
    """The failed step's output; a missing log still gives a failure comment."""
    if path is None:
        return ""
    try:
        return (ctx.cwd / path).read_text(encoding="utf-8", errors="replace")[-200_000:]
    except OSError:
        return ""


def _load_plan(path: Path, shown: str) -> Mapping[str, Any]:
    from reconciler.plan.planfile import read_plan

    return read_plan(path, shown=shown).data


def _print_error(ctx: Context, message: str, hint: str | None) -> None:
    from rich.text import Text

    from reconciler.redact import safe

    ctx.err.print(Text(f"error: {safe(message)}"), soft_wrap=True)
    if hint:
        ctx.err.print(Text(f"  hint: {safe(hint)}"), soft_wrap=True)
