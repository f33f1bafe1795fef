"""One GitHub issue per target while drift lasts (as tfaction does): opened when a drift
check finds drift, its body edited in place on every later check, closed with a comment
when drift clears. Found again by a hidden marker in a trusted body."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from reconciler.github.api import GitHubApi
from reconciler.github.sticky import is_trusted

LABEL = "voicectl-drift"
CLEARED = "No drift any more: the remote matches the declarations again. Closing."


class IssueAction(StrEnum):
    OPENED = "opened"
    UPDATED = "updated"
    CLOSED = "closed"
    NONE = "none"  # no drift and no open issue


@dataclass(frozen=True, slots=True)
class IssueResult:
    action: IssueAction
    number: int | None = None
    url: str | None = None


def drift_marker(target: str) -> str:
    return f"<!-- voicectl:drift target={target} -->"


def find_drift_issue(api: GitHubApi, target: str) -> dict[str, Any] | None:
    """The open issue (not a pull request) whose trusted body starts with the marker."""
    marker = drift_marker(target)
    for issue in api.iter_list("/issues"):
        body = issue.get("body")
        if "pull_request" in issue or not isinstance(body, str):
            continue
        if body.startswith(marker) and is_trusted(issue):
            return issue
    return None


def sync_drift_issue(api: GitHubApi, target: str, body: str | None) -> IssueResult:
    """`body` (starting with the marker) while drift lasts; None once it cleared."""
    existing = find_drift_issue(api, target)
    if body is not None and not body.startswith(drift_marker(target)):
        raise ValueError("the issue body must start with its marker")
    if existing is None and body is None:
        return IssueResult(IssueAction.NONE)
    if existing is None:
        title = f"Voices drifted from their declarations (target {target})"
        created = api.call(
            "POST", api.url("/issues"), body={"title": title, "body": body, "labels": [LABEL]},
            retry=False,
        )  # fmt: skip
        return IssueResult(IssueAction.OPENED, int(created["number"]), created.get("html_url"))
    number = int(existing["number"])
    if body is not None:
        api.call("PATCH", api.url(f"/issues/{number}"), body={"body": body})
        return IssueResult(IssueAction.UPDATED, number, existing.get("html_url"))
    api.call("POST", api.url(f"/issues/{number}/comments"), body={"body": CLEARED}, retry=False)
    api.call("PATCH", api.url(f"/issues/{number}"), body={"state": "closed"})
    return IssueResult(IssueAction.CLOSED, number, existing.get("html_url"))
