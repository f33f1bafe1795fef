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
    parser.add_argument("plans", nargs="+", metavar="PLAN.json", help="saved plan files")
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

    from reconciler.github.comment import GitHubError

    plans = [_load_plan(ctx.cwd / path) for path in args.plans]
    try:
        with httpx.Client() as http:
            if args.check_reviewed:
                return _check_reviewed(plans, ctx, http)
            return _post(plans, args, ctx, http)
    except GitHubError as exc:
        _print_error(ctx, str(exc), exc.hint)
        return ExitCode.ERROR


def _post(
    plans: Sequence[Mapping[str, Any]], args: argparse.Namespace, ctx: Context, http: httpx.Client
) -> int:
    from rich.text import Text

    from reconciler.github.body import compose_comment, plan_head
    from reconciler.github.comment import PrContext, load_pr_context, post_for_context
    from reconciler.render.gha import write_outputs
    from reconciler.render.markdown import render_markdown

    gh: PrContext | None = None
    if not args.dry_run or ctx.environ.get("GITHUB_TOKEN"):
        gh = load_pr_context(ctx.environ, require_pr=args.pr is None and not args.dry_run)
    head_sha = gh.head_sha if gh else None

    def render(plan: Mapping[str, Any], max_chars: int) -> str:
        return render_markdown(plan, max_chars=max_chars, head_sha=plan_head(plan, head_sha))

    body = compose_comment(plans, render=render, head_sha=head_sha)
    if args.dry_run or gh is None:
        ctx.out.print(Text(body.text), soft_wrap=True)
        return ExitCode.SUCCESS
    if args.pr is not None:
        from dataclasses import replace

        gh = replace(gh, pr_number=args.pr)
    result = post_for_context(http, gh, body=body.text, marker=body.marker)
    ctx.out.print(Text(f"comment {result.action}: {result.url}"), soft_wrap=True)
    write_outputs(
        ctx.environ,
        {"comment_id": result.id, "comment_url": result.url, "comment_action": result.action},
    )
    return ExitCode.SUCCESS


def _check_reviewed(plans: Sequence[Mapping[str, Any]], ctx: Context, http: httpx.Client) -> int:
    from rich.text import Text

    from reconciler.github.body import MARKER_PREFIX, parse_review_records, review_problems
    from reconciler.github.comment import (
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


def _load_plan(path: Path) -> Mapping[str, Any]:
    from reconciler.plan.planfile import read_plan

    return read_plan(path).data


def _print_error(ctx: Context, message: str, hint: str | None) -> None:
    from rich.text import Text

    from reconciler.redact import safe

    ctx.err.print(Text(f"error: {safe(message)}"), soft_wrap=True)
    if hint:
        ctx.err.print(Text(f"  hint: {safe(hint)}"), soft_wrap=True)
