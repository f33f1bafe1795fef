"""`voicectl comment PLAN.json [PLAN.json…]`: one sticky PR comment covering every target.

`--check-reviewed` instead compares the plans with the review record on the pull request
merged in GITHUB_SHA (the apply workflow's gate). Everything comes from ctx.environ.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reconciler.cli.context import Context
from reconciler.model.exitcodes import ExitCode

if TYPE_CHECKING:
    import httpx


def register(sub: Any, name: str, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        name,
        parents=[common],
        help="post or update the sticky pull request comment with saved plans",
        description=(
            "Post the saved plans as one pull request comment (one section per target), "
            "found again by a hidden marker and edited in place on every push. Uses "
            "GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL and GITHUB_EVENT_PATH."
        ),
    )
    parser.add_argument("plans", nargs="*", metavar="PLAN.json", help="saved plan files")
    parser.add_argument(
        "--failed",
        choices=("validate", "plan"),
        help="the step failed: replace the comment with its first errors (from --log)",
    )
    parser.add_argument("--log", type=Path, metavar="FILE", help="the failed step's output")
    parser.add_argument(
        "--applied",
        nargs="+",
        type=Path,
        metavar="REPORT.json",
        help="after merge: post the apply reports on the pull request merged as GITHUB_SHA",
    )
    parser.add_argument(
        "--environment",
        default="production",
        metavar="NAME",
        help="the environment whose approval applies a merged plan (default: production)",
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
    wants_plans = not (args.failed or args.applied)
    if modes > 1 or wants_plans != bool(args.plans):
        raise ConfigError(
            "comment takes PLAN.json files, or --failed STEP --log FILE, or --applied "
            "REPORT.json (one of them)"
        )
    plans = [_load_plan(ctx.cwd / path) for path in args.plans]
    try:
        with httpx.Client() as http:
            if args.check_reviewed:
                return _check_reviewed(plans, ctx, http)
            if args.applied:
                return _post_applied(args, ctx, http)
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
        gh = load_pr_context(ctx.environ, require_pr=args.pr is None and not args.dry_run)
    head_sha = gh.head_sha if gh else None

    def render(plan: Mapping[str, Any], max_chars: int) -> str:
        return render_markdown(plan, max_chars=max_chars, head_sha=plan_head(plan, head_sha))

    facts = run_facts(ctx, args)
    if args.failed:
        from reconciler.github.failure import failure_comment

        log = _read_log(ctx, args.log)
        body = failure_comment(args.failed, log, head_sha=head_sha, facts=facts)
    else:
        body = compose_comment(plans, render=render, head_sha=head_sha, facts=facts)
    if args.dry_run or gh is None:
        ctx.out.print(Text(body.text), soft_wrap=True)
        return ExitCode.SUCCESS
    if args.pr is not None:
        from dataclasses import replace

        gh = replace(gh, pr_number=args.pr)
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


APPLIED_MARKER = "<!-- voicectl:applied -->"


def _post_applied(args: argparse.Namespace, ctx: Context, http: httpx.Client) -> int:
    """Results of the apply on the pull request merged as GITHUB_SHA (one comment, edited
    in place by a later apply of the same merge)."""
    import json

    from rich.text import Text

    from reconciler.github.sticky import (
        GitHubApi,
        find_merged_pull,
        load_pr_context,
        post_sticky_comment,
    )
    from reconciler.model.errors import ConfigError
    from reconciler.redact import scrub
    from reconciler.render.reportmd import report_markdown

    parts = [APPLIED_MARKER]
    for path in args.applied:
        try:
            report = json.loads((ctx.cwd / path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read the apply report {path}: {exc}") from None
        target = path.stem.removeprefix("report-") if path.stem != "report" else None
        parts.append(report_markdown(report, target=target))
    facts = run_facts(ctx, args)
    if facts.run_url:
        parts.append(f"[Workflow run]({facts.run_url})")
    body = scrub("\n".join(parts))
    gh = load_pr_context(ctx.environ, require_pr=False)
    if not gh.sha:
        raise ConfigError("GITHUB_SHA is not set: --applied runs on a push to main")
    pull = find_merged_pull(GitHubApi(http, gh.api_url, gh.repository, gh.token), gh.sha)
    if pull is None:
        ctx.err.print(Text(f"commit {gh.sha[:7]} is not the merge of a pull request: no comment"))
        return ExitCode.SUCCESS
    result = post_sticky_comment(
        http,
        api_url=gh.api_url,
        repository=gh.repository,
        pr_number=int(pull["number"]),
        token=gh.token,
        body=body,
        marker=APPLIED_MARKER,
    )
    ctx.out.print(Text(f"comment {result.action}: {result.url}"), soft_wrap=True)
    return ExitCode.SUCCESS


def run_facts(ctx: Context, args: argparse.Namespace) -> Any:
    """The workflow run's link (GITHUB_SERVER_URL/…/actions/runs/GITHUB_RUN_ID) and the
    environment whose approval applies."""
    from reconciler.github.body import CommentFacts

    env = ctx.environ
    server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repo, run = env.get("GITHUB_REPOSITORY", ""), env.get("GITHUB_RUN_ID", "")
    url = f"{server}/{repo}/actions/runs/{run}" if repo and run.isdigit() else None
    return CommentFacts(run_url=url, environment=args.environment)


def _read_log(ctx: Context, path: Path | None) -> str:
    """The failed step's output; a missing log still gives a failure comment."""
    if path is None:
        return ""
    try:
        return (ctx.cwd / path).read_text(encoding="utf-8", errors="replace")[-200_000:]
    except OSError:
        return ""


def _load_plan(path: Path) -> Mapping[str, Any]:
    from reconciler.plan.planfile import read_plan

    return read_plan(path).data


def _print_error(ctx: Context, message: str, hint: str | None) -> None:
    from rich.text import Text

    from reconciler.redact import safe

    ctx.err.print(Text(f"error: {safe(message)}"), soft_wrap=True)
    if hint:
        ctx.err.print(Text(f"  hint: {safe(hint)}"), soft_wrap=True)
