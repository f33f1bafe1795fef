"""What voicectl does on GitHub: the sticky PR comment, edited in place or created (never
deleted), and the merged pull request a pushed commit came from.

The REST plumbing lives in githubapi.py, the run's context in githubcontext.py (both
re-exported here), the comment text in githubmd.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from reconciler.github.api import GitHubApi, GitHubError
from reconciler.github.prcontext import PrContext, check_api_url, load_pr_context

__all__ = [
    "TRUSTED_ASSOCIATIONS",
    "CommentResult",
    "GitHubApi",
    "GitHubError",
    "PrContext",
    "check_api_url",
    "find_marked_comment",
    "find_merged_pull",
    "is_trusted",
    "iter_marked_comments",
    "load_pr_context",
    "post_for_context",
    "post_sticky_comment",
]

# Comments by these associations (or by a GitHub App bot) may carry our marker; a marker
# typed by an outside contributor is ignored: never edited, never trusted as a review.
TRUSTED_ASSOCIATIONS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})


@dataclass(frozen=True, slots=True)
class CommentResult:
    action: Literal["created", "updated"]
    id: int
    url: str


def is_trusted(comment: Mapping[str, Any]) -> bool:
    user = comment.get("user")
    if isinstance(user, Mapping) and user.get("type") == "Bot":
        return True
    return comment.get("author_association") in TRUSTED_ASSOCIATIONS


def iter_marked_comments(api: GitHubApi, pr_number: int, marker: str) -> Iterator[dict[str, Any]]:
    """Trusted comments on the PR whose body starts with `marker`, oldest first."""
    for comment in api.iter_list(f"/issues/{pr_number}/comments"):
        body = comment.get("body")
        if isinstance(body, str) and body.startswith(marker) and is_trusted(comment):
            yield comment


def find_marked_comment(api: GitHubApi, pr_number: int, marker: str) -> dict[str, Any] | None:
    """The oldest trusted comment on the PR whose body starts with `marker`."""
    return next(iter_marked_comments(api, pr_number, marker), None)


def post_sticky_comment(
    http: httpx.Client,
    *,
    api_url: str,
    repository: str,
    pr_number: int,
    token: str,
    body: str,
    marker: str,
    sleep: Callable[[float], None] = time.sleep,
) -> CommentResult:
    """Edit the PR comment starting with `marker` in place, or create it. Never deletes."""
    if not body.startswith(marker):
        raise ValueError("the comment body must start with its marker")
    api = GitHubApi(http, api_url, repository, token, sleep=sleep)
    existing = find_marked_comment(api, pr_number, marker)
    if existing is None:
        try:
            return _create_comment(api, pr_number, body)
        except GitHubError as exc:
            # POST is not idempotent: after a lost reply, read back before trying again, so
            # a comment that was in fact created is edited instead of duplicated.
            if exc.status is not None and exc.status < 500 and exc.status != 429:
                raise
            existing = find_marked_comment(api, pr_number, marker)
            if existing is None:
                return _create_comment(api, pr_number, body)
    comment_id = int(existing["id"])
    updated = api.call("PATCH", api.url(f"/issues/comments/{comment_id}"), body={"body": body})
    return CommentResult("updated", comment_id, str(updated.get("html_url", "")))


def _create_comment(api: GitHubApi, pr_number: int, body: str) -> CommentResult:
    url = api.url(f"/issues/{pr_number}/comments")
    created = api.call("POST", url, body={"body": body}, retry=False)
    return CommentResult("created", int(created["id"]), str(created.get("html_url", "")))


def post_for_context(
    http: httpx.Client, ctx: PrContext, *, body: str, marker: str
) -> CommentResult:
    """`post_sticky_comment` on the pull request of the current workflow run."""
    if ctx.pr_number is None:
        raise GitHubError("no pull request number: pass --pr N or run on a pull_request event")
    return post_sticky_comment(
        http,
        api_url=ctx.api_url,
        repository=ctx.repository,
        pr_number=ctx.pr_number,
        token=ctx.token,
        body=body,
        marker=marker,
    )


def find_merged_pull(api: GitHubApi, commit_sha: str) -> dict[str, Any] | None:
    """The merged pull request that produced `commit_sha` on the default branch, if any."""
    for pull in api.iter_list(f"/commits/{commit_sha}/pulls"):
        if pull.get("merged_at") and pull.get("merge_commit_sha") == commit_sha:
            return pull
    return None
