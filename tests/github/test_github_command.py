"""`voicectl comment` end to end through the CLI, against the loopback fake GitHub."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.clirig import run_cli
from tests.support.commentrig import MERGE_SHA, PR_HEAD, actions_env, mark_merged
from tests.support.fakegithub import TOKEN
from tests.support.planvalues import make_plan, save_plan


def test_three_pushes_one_comment_then_no_changes_is_an_edit(github, tmp_path):
    env = actions_env(github, tmp_path)
    outputs = []
    for creates in (1, 2, 0):
        plan = save_plan(make_plan(creates, noop=3), tmp_path / "plan.json")
        outputs.append(run_cli("comment", str(plan), cwd=tmp_path, env=env))
    assert [code for code, _, _ in outputs] == [0, 0, 0]
    comments = github.pr_comments(7)
    assert len(comments) == 1
    url = comments[0]["html_url"]
    assert [o for _, o, _ in outputs] == [
        f"comment created: {url}\n",
        f"comment updated: {url}\n",
        f"comment updated: {url}\n",
    ]
    body = comments[0]["body"]
    assert body.startswith("<!-- voicectl:plan -->\n")
    assert "No changes. 3 voices up to date." in body
    assert f"head={PR_HEAD}" in body
    assert "comment_action<<" in Path(env["GITHUB_OUTPUT"]).read_text()


def test_token_never_appears_in_outputs_comment_or_logs(github, tmp_path):
    env = actions_env(github, tmp_path)
    plan = save_plan(make_plan(2), tmp_path / "plan.json")
    code, out, err = run_cli("comment", str(plan), "--debug", cwd=tmp_path, env=env)
    assert code == 0
    seen = out + err + Path(env["GITHUB_OUTPUT"]).read_text()
    seen += json.dumps(github.pr_comments(7)) + json.dumps([r.body for r in github.requests])
    assert TOKEN not in seen


def test_two_targets_make_one_comment(github, tmp_path):
    env = actions_env(github, tmp_path)
    prod = save_plan(make_plan(2, target="prod"), tmp_path / "plan-prod.json")
    staging = save_plan(make_plan(1, target="staging"), tmp_path / "plan-staging.json")
    assert run_cli("comment", str(prod), str(staging), cwd=tmp_path, env=env).code == 0
    [comment] = github.pr_comments(7)
    assert comment["body"].startswith("<!-- voicectl:plan -->\n")


def test_missing_token_is_a_one_line_error(github, tmp_path):
    env = actions_env(github, tmp_path)
    del env["GITHUB_TOKEN"]
    plan = save_plan(make_plan(1), tmp_path / "plan.json")
    code, out, err = run_cli("comment", str(plan), cwd=tmp_path, env=env)
    assert (code, out) == (1, "")
    assert err == (
        "error: GITHUB_TOKEN is not set: add `GITHUB_TOKEN: ${{ github.token }}` to the "
        "step's env\n"
    )


def test_refused_token_prints_the_permission_hint(github, tmp_path):
    env = actions_env(github, tmp_path, GITHUB_TOKEN="ghs_readonlyTOKEN9876")
    plan = save_plan(make_plan(1), tmp_path / "plan.json")
    code, _, err = run_cli("comment", str(plan), cwd=tmp_path, env=env)
    assert code == 1
    assert err.splitlines()[0] == (
        "error: GitHub API GET /repos/acme/voices/issues/7/comments: HTTP 401: Bad credentials"
    )
    assert err.splitlines()[1].startswith(
        "  hint: give the job `permissions: pull-requests: write`"
    )
    assert "ghs_readonlyTOKEN9876" not in err


def test_dry_run_prints_the_body_without_a_token(github, tmp_path):
    plan = save_plan(make_plan(1), tmp_path / "plan.json")
    code, out, _ = run_cli("comment", "--dry-run", str(plan), cwd=tmp_path, env={})
    assert code == 0
    assert out.startswith("<!-- voicectl:plan -->\n")
    assert github.requests == []


def test_check_reviewed_passes_when_the_merged_pr_reviewed_this_plan(github, tmp_path):
    env = actions_env(github, tmp_path)
    plan = save_plan(make_plan(2), tmp_path / "plan.json")
    assert run_cli("comment", str(plan), cwd=tmp_path, env=env).code == 0
    mark_merged(github, None)
    push_env = {**env, "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": ""}
    code, out, err = run_cli("comment", "--check-reviewed", str(plan), cwd=tmp_path, env=push_env)
    assert (code, out, err) == (0, "plan matches the one reviewed on pull request #7\n", "")


def test_check_reviewed_fails_with_3_when_the_plan_changed_since_review(github, tmp_path):
    env = actions_env(github, tmp_path)
    reviewed = save_plan(make_plan(2), tmp_path / "reviewed.json")
    assert run_cli("comment", str(reviewed), cwd=tmp_path, env=env).code == 0
    mark_merged(github, None)
    fresh = save_plan(make_plan(3), tmp_path / "plan.json")
    code, out, err = run_cli("comment", "--check-reviewed", str(fresh), cwd=tmp_path, env=env)
    assert (code, out) == (3, "")
    assert err.startswith("error: target default: the fresh plan (sha256:")
    assert "differs from the plan reviewed on pull request #7" in err


def test_check_reviewed_ignores_a_review_record_typed_by_an_outsider(github, tmp_path):
    env = actions_env(github, tmp_path)
    plan = save_plan(make_plan(2), tmp_path / "plan.json")
    checksum = json.loads(plan.read_text())["checksum"]
    mark_merged(github, None)
    github.add_comment(
        7,
        "<!-- voicectl:plan -->\n"
        f"<!-- voicectl:reviewed target=default checksum={checksum} head={PR_HEAD} -->",
        user={"login": "mallory", "type": "User"},
        association="CONTRIBUTOR",
    )
    code, _, err = run_cli("comment", "--check-reviewed", str(plan), cwd=tmp_path, env=env)
    assert code == 3
    assert err.startswith("error: no plan for target default was reviewed on pull request #7\n")


def test_check_reviewed_fails_with_3_for_a_direct_push(github, tmp_path):
    env = actions_env(github, tmp_path)
    plan = save_plan(make_plan(1), tmp_path / "plan.json")
    code, _, err = run_cli("comment", "--check-reviewed", str(plan), cwd=tmp_path, env=env)
    assert code == 3
    assert err.splitlines()[0] == (
        f"error: commit {MERGE_SHA[:12]} is not the merge of a pull request: no reviewed plan"
    )


def test_pr_flag_posts_to_that_pull_request_even_from_a_push(github, tmp_path):
    env = {**actions_env(github, tmp_path), "GITHUB_EVENT_NAME": "push"}
    Path(env["GITHUB_EVENT_PATH"]).write_text(json.dumps({"ref": "refs/heads/main"}))
    plan = save_plan(make_plan(1), tmp_path / "plan.json")
    code, out, err = run_cli("comment", "--pr", "9", str(plan), cwd=tmp_path, env=env)
    assert (code, err) == (0, "")
    (comment,) = github.pr_comments(9)
    assert out == f"comment created: {comment['html_url']}\n"
    assert github.pr_comments(7) == []
