"""`voicectl comment --applied REPORT.json…`: after the merge, the apply's results go to the
pull request merged as GITHUB_SHA, as one comment edited in place by a re-run of the apply.

Each report is rendered as in the apply job summary (render/reportmd.py): per-voice ✓/✗
table, credits spent, discarded files. `report-T.json` is target T's report.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from reconciler.cli.context import Context
from reconciler.model.exitcodes import ExitCode

if TYPE_CHECKING:
    import httpx

APPLIED_MARKER = "<!-- voicectl:applied -->"


def post_applied(args: argparse.Namespace, ctx: Context, http: httpx.Client) -> int:
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
    from reconciler.commands.comment import run_facts

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
