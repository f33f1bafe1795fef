"""The sticky comment against the loopback fake: one comment, edited in place, never deleted."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from reconciler.github.sticky import (
    GitHubApi,
    GitHubError,
    find_merged_pull,
    load_pr_context,
    post_sticky_comment,
)
from reconciler.model.errors import ConfigError
from tests.support.fakegithub import TOKEN, FakeGitHub

MARKER = "<!-- voicectl:plan target=default -->"


def _post(github: FakeGitHub, http: httpx.Client, body: str, pr: int = 7):
    return post_sticky_comment(
        http,
        api_url=github.url,
        repository="acme/voices",
        pr_number=pr,
        token=TOKEN,
        body=body,
        marker=MARKER,
        sleep=lambda _s: None,
    )


def test_three_pushes_leave_one_comment_edited_in_place(github, http):
    first = _post(github, http, f"{MARKER}\nPlan: 1 create (300 credits).")
    second = _post(github, http, f"{MARKER}\nPlan: 2 create (600 credits).")
    third = _post(github, http, f"{MARKER}\nNo changes. 2 voices up to date.")
    comments = github.pr_comments(7)
    assert len(comments) == 1
    assert (first.action, second.action, third.action) == ("created", "updated", "updated")
    assert first.id == second.id == third.id == comments[0]["id"]
    assert comments[0]["body"] == f"{MARKER}\nNo changes. 2 voices up to date."
    assert comments[0]["body"].startswith(MARKER)
    assert [r.method for r in github.calls() if r.method != "GET"] == ["POST", "PATCH", "PATCH"]
    assert github.calls("DELETE") == []


def test_marker_comment_is_found_past_the_first_page(github, http):
    for i in range(250):
        github.add_comment(7, f"chatter {i}", association="MEMBER")
    mine = github.add_comment(7, f"{MARKER}\nold plan")
    result = _post(github, http, f"{MARKER}\nnew plan")
    assert (result.action, result.id) == ("updated", mine["id"])
    pages = [r.query for r in github.calls("GET")]
    assert pages == ["per_page=100", "per_page=100&page=2", "per_page=100&page=3"]


def test_pages_are_followed_by_number_when_there_is_no_link_header(github, http):
    github.send_link_headers = False
    for i in range(100):
        github.add_comment(7, f"chatter {i}", association="MEMBER")
    mine = github.add_comment(7, f"{MARKER}\nold plan")
    assert _post(github, http, f"{MARKER}\nnew").id == mine["id"]
    assert len(github.pr_comments(7)) == 101


def test_marker_typed_by_an_outsider_is_ignored(github, http):
    github.add_comment(
        7,
        f"{MARKER}\nfake approval",
        user={"login": "mallory", "type": "User"},
        association="CONTRIBUTOR",
    )
    result = _post(github, http, f"{MARKER}\nreal plan")
    assert result.action == "created"
    assert [c["body"] for c in github.pr_comments(7)] == [
        f"{MARKER}\nfake approval",
        f"{MARKER}\nreal plan",
    ]


def test_other_targets_comment_is_not_touched(github, http):
    other = github.add_comment(7, "<!-- voicectl:plan target=staging -->\nstaging plan")
    result = _post(github, http, f"{MARKER}\nprod plan")
    assert result.action == "created"
    assert github.pr_comments(7)[0]["body"] == "<!-- voicectl:plan target=staging -->\nstaging plan"
    assert result.id != other["id"]


def test_lost_reply_to_the_create_is_read_back_not_duplicated(github, http):
    github.faults.append(("POST", 502))
    result = _post(github, http, f"{MARKER}\nplan")
    assert result.action == "created"
    assert len(github.pr_comments(7)) == 1


def test_create_that_succeeded_behind_a_lost_reply_is_edited_not_duplicated(github, http):
    github.commit_then_fail.append("POST")
    result = _post(github, http, f"{MARKER}\nplan")
    assert result.action == "updated"
    assert [c["body"] for c in github.pr_comments(7)] == [f"{MARKER}\nplan"]
    assert [r.method for r in github.calls() if r.method != "GET"] == ["POST", "PATCH"]


def test_transient_list_error_is_retried(github, http):
    github.faults.append(("GET", 503))
    assert _post(github, http, f"{MARKER}\nplan").action == "created"


def test_forbidden_names_the_call_and_the_permission_not_the_token(github, http):
    with pytest.raises(GitHubError) as caught:
        post_sticky_comment(
            http,
            api_url=github.url,
            repository="acme/voices",
            pr_number=7,
            token="ghs_wrongTOKENvalue42",
            body=f"{MARKER}\nx",
            marker=MARKER,
        )
    assert str(caught.value) == (
        "GitHub API GET /repos/acme/voices/issues/7/comments: HTTP 401: Bad credentials"
    )
    assert caught.value.hint is not None and "pull-requests: write" in caught.value.hint
    assert "ghs_wrongTOKENvalue42" not in str(caught.value)


def test_token_goes_only_in_the_authorization_header(github, http):
    _post(github, http, f"{MARKER}\nplan")
    for record in github.calls():
        assert record.authorization == f"Bearer {TOKEN}"
        assert TOKEN not in record.path + record.query + json.dumps(record.body)


def test_link_to_another_host_is_refused(http):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json=[{"id": i, "body": "x"} for i in range(100)],
            headers={"Link": '<https://evil.example/steal?page=2>; rel="next"'},
        )

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        api = GitHubApi(client, "https://api.github.com", "acme/voices", TOKEN)
        with pytest.raises(
            GitHubError, match=r"refusing to send the GitHub token to https://evil\.example"
        ):
            list(api.iter_list("/issues/7/comments"))


def test_body_must_start_with_the_marker(github, http):
    with pytest.raises(ValueError, match="must start with its marker"):
        _post(github, http, "no marker")


def test_merged_pull_is_found_by_merge_commit(github, http):
    sha = "a" * 40
    github.pulls_by_commit[sha] = [
        {"number": 3, "merged_at": None, "merge_commit_sha": "b" * 40},
        {
            "number": 9,
            "merged_at": "2026-01-01T00:00:00Z",
            "merge_commit_sha": sha,
            "head": {"sha": "c" * 40},
        },
    ]
    api = GitHubApi(http, github.url, "acme/voices", TOKEN)
    assert find_merged_pull(api, sha)["number"] == 9
    assert find_merged_pull(api, "d" * 40) is None


def _event(tmp_path: Path, payload: object) -> str:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    return str(path)


def test_pr_context_reads_the_runner_environment(tmp_path):
    env = {
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": "acme/voices",
        "GITHUB_EVENT_PATH": _event(
            tmp_path, {"pull_request": {"number": 12, "head": {"sha": "f" * 40}}}
        ),
        "GITHUB_SHA": "e" * 40,
        "GITHUB_EVENT_NAME": "pull_request",
    }
    ctx = load_pr_context(env)
    assert (ctx.api_url, ctx.repository, ctx.pr_number) == (
        "https://api.github.com",
        "acme/voices",
        12,
    )
    assert (ctx.head_sha, ctx.sha, ctx.event_name) == ("f" * 40, "e" * 40, "pull_request")
    assert TOKEN not in repr(ctx)


def test_pr_context_errors_name_the_variable(tmp_path):
    base = {"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": "acme/voices"}
    with pytest.raises(ConfigError, match=r"^GITHUB_TOKEN is not set"):
        load_pr_context({"GITHUB_REPOSITORY": "acme/voices"})
    with pytest.raises(ConfigError, match=r"^GITHUB_REPOSITORY must be owner/name, got 'acme'$"):
        load_pr_context({**base, "GITHUB_REPOSITORY": "acme"})
    with pytest.raises(ConfigError, match=r"^not a pull request: the event payload"):
        load_pr_context({**base, "GITHUB_EVENT_PATH": _event(tmp_path, {"ref": "refs/heads/main"})})
    with pytest.raises(
        ConfigError, match=r"^GITHUB_API_URL must be an https:// URL, got 'http://api.example'$"
    ):
        load_pr_context({**base, "GITHUB_API_URL": "http://api.example"}, require_pr=False)
    ctx = load_pr_context({**base, "GITHUB_SHA": "1" * 40}, require_pr=False)
    assert (ctx.pr_number, ctx.head_sha) == (None, "1" * 40)
