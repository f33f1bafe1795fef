"""The rig of the `voicectl comment` tests (tests/github): the environment of a pull-request
run in GitHub Actions against the fake GitHub API, and the merge that a push came from."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.fakegithub import TOKEN, FakeGitHub

PR_HEAD = "ab12" * 10
MERGE_SHA = "cd34" * 10


def actions_env(github: FakeGitHub, tmp_path: Path, **extra: str) -> dict[str, str]:
    """GITHUB_* of a `pull_request` run on PR #7 (head PR_HEAD), outputs in tmp_path."""
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "head": {"sha": PR_HEAD}}}))
    output = tmp_path / "github_output"
    output.touch()
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": "acme/voices",
        "GITHUB_API_URL": github.url,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_SHA": MERGE_SHA,
        "GITHUB_OUTPUT": str(output),
        **extra,
    }


def mark_merged(github: FakeGitHub, body: str | None) -> None:
    """PR #7 merged as MERGE_SHA; `body` (if any) is a comment already on it."""
    github.pulls_by_commit[MERGE_SHA] = [
        {
            "number": 7,
            "merged_at": "2026-11-25T10:00:00Z",
            "merge_commit_sha": MERGE_SHA,
            "head": {"sha": PR_HEAD},
        }
    ]
    if body is not None:
        github.add_comment(7, body)
