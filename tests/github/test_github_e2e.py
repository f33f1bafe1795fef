"""The shipped workflows, run step by step by a simulated runner against the served emulator
and the fake GitHub API: a pull request adds a voice, the merge applies it, drift is clean.

The API key and the GitHub token are canaries: they must not appear in the comment, the job
summaries, the step outputs or the log as GitHub would show it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.emulator.limits import DEFAULT_ORG, DEFAULT_USER
from tests.support.actionrunner import Runner
from tests.support.fakegithub import FakeGitHub
from tests.support.workflowrig import (
    VOICE,
    WORKFLOWS,
    add_voice,
    assert_no_secret,
    commit_all,
    explain,
    git,
    make_workspace,
    merge_pull,
    pull_request_event,
    served_emulator,
    workflow_runner,
)

API_KEY = "sk-CANARY-e2e-0123456789abcdef"


@pytest.fixture
def emulator() -> Iterator[str]:
    with served_emulator({API_KEY: (DEFAULT_ORG, DEFAULT_USER)}) as url:
        yield url


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """origin (bare) with main holding no voice; the workspace is a clone of it."""
    return make_workspace(tmp_path)


def _runner(ws: Path, tmp_path: Path, github: FakeGitHub, emulator: str, **ctx: object) -> Runner:
    env = {"AUDIOSTACK_API_URL": emulator}
    return workflow_runner(ws, tmp_path, github, {"AUDIOSTACK_API_KEY": API_KEY}, env, **ctx)


def test_fork_pull_request_gets_validate_only_and_no_comment(
    repo: Path, tmp_path: Path, github: FakeGitHub, emulator: str
):
    git(repo, "checkout", "-q", "-b", "fork-change")
    add_voice(repo, "eve-en", 7)
    head = commit_all(repo, "add eve")
    runner = _runner(
        repo,
        tmp_path,
        github,
        emulator,
        **pull_request_event(9, head, repo="mallory/voices"),
    )
    runner.secrets = {}  # GitHub passes no secrets to fork pull requests
    results = runner.run_workflow(WORKFLOWS / "voices-plan.yml")
    assert [j.result for j in results.values()] == ["success", "skipped", "skipped"], explain(
        results
    )
    assert github.requests == []


def _pr_runner(
    repo: Path, tmp_path: Path, github: FakeGitHub, emulator: str, number: int
) -> Runner:
    head = git(repo, "rev-parse", "HEAD")
    return _runner(
        repo,
        tmp_path,
        github,
        emulator,
        **pull_request_event(number, head),
        run_id="4242",
    )


def test_a_failed_validate_replaces_the_plan_comment_in_place(
    repo: Path, tmp_path: Path, github: FakeGitHub, emulator: str
):
    git(repo, "checkout", "-q", "-b", "broken")
    add_voice(repo, "bad", 7)
    commit_all(repo, "add bad")
    first = _pr_runner(repo, tmp_path, github, emulator, 10).run_workflow(
        WORKFLOWS / "voices-plan.yml"
    )
    assert [j.result for j in first.values()] == ["success"] * 3, explain(first)
    [comment] = github.pr_comments(10)
    assert "| `+` | create | bad |" in comment["body"]

    # the next push breaks the declaration: the old plan must not stay up
    (repo / "voices" / "bad.yaml").write_text(
        VOICE.format(alias="bad").replace("voice_engine_3", "voice_engine_9")
    )
    git(repo, "commit", "-q", "-am", "break bad")
    head = git(repo, "rev-parse", "HEAD")
    results = _pr_runner(repo, tmp_path, github, emulator, 10).run_workflow(
        WORKFLOWS / "voices-plan.yml"
    )
    assert [j.result for j in results.values()] == ["failure", "skipped", "success"], explain(
        results
    )
    assert "::error file=voices/bad.yaml,line=" in results["validate"].raw_log
    assert results["validate"].steps[2].outputs["exit-code"] == "1"
    [comment] = github.pr_comments(10)  # the same comment, edited
    assert comment["body"] == (
        "<!-- voicectl:plan -->\n\n"
        f"**❌ voicectl validate failed** on commit `{head[:7]}`: the plan shown here before is "
        "out of date, and merging now would apply nothing.\n\nFirst errors:\n\n```text\n"
        "voices/bad.yaml:4:9: error: unknown engine 'voice_engine_9' (expected voice_engine_2, "
        "voice_engine_3)\n```\n\n"
        "[Workflow run](https://github.com/acme/voices/actions/runs/4242) · all errors in the "
        "job summary\n\n"
        "**Next:** fix the errors and push again; this comment is updated in place.\n"
    )  # no review record: a merge now is refused by --check-reviewed


def test_pull_request_plans_the_merge_applies_and_drift_is_clean(
    repo: Path, tmp_path: Path, github: FakeGitHub, emulator: str
):
    # a pull request adds one voice
    git(repo, "checkout", "-q", "-b", "add-anna")
    add_voice(repo, "anna-en", 3)
    commit_all(repo, "add anna")
    git(repo, "push", "-q", "origin", "add-anna")
    pr_head = git(repo, "rev-parse", "HEAD")
    event = pull_request_event(7, pr_head, branch="add-anna")
    pull = event["event"]["pull_request"]
    runner = _runner(
        repo,
        tmp_path,
        github,
        emulator,
        **event,
    )
    for _push in range(2):  # two pushes: still one comment
        pr = runner.run_workflow(WORKFLOWS / "voices-plan.yml")
        assert [j.result for j in pr.values()] == ["success"] * 3, explain(pr)
    [comment] = github.pr_comments(7)
    body = comment["body"]
    assert body.startswith("<!-- voicectl:plan -->\n")
    assert "| `+` | create | anna-en |" in body
    assert "@octocat" not in body and "<b>" not in body
    assert f"head={pr_head}" in body
    assert "create" in pr["plan"].summary
    [leg] = pr["plan"].legs
    assert (leg.name, leg.concurrency) == ("plan (default)", "voices-plan-7-default")
    assert leg.steps[2].outputs["has-changes"] == "true"
    assert_no_secret(pr, github, [API_KEY])

    # the merge to main applies it, after checking it is the reviewed plan
    merge_sha = merge_pull(repo, github, pull, "add-anna")
    runner = _runner(
        repo,
        tmp_path,
        github,
        emulator,
        event_name="push",
        sha=merge_sha,
        ref="refs/heads/main",
        base_ref="",
        event={"after": merge_sha},
    )
    applied = runner.run_workflow(WORKFLOWS / "voices-apply.yml")
    assert [j.result for j in applied.values()] == ["success"] * 3, explain(applied)
    assert applied["plan"].outputs["has-changes"] == "true"
    assert "plan matches the one reviewed on pull request #7" in applied["plan"].log
    [leg] = applied["apply"].legs
    assert (leg.name, leg.environment, leg.concurrency) == (
        "apply (default)",
        "production",
        "voicectl-apply-default",
    )
    step = leg.steps[3].outputs
    assert (step["exit-code"], step["credits"]) == ("0", "300")  # spent, not planned
    assert "| ✓ | anna-en | succeeded | 300 |" in leg.summary
    assert "**✅ Apply: 1 succeeded · 300 credits spent · 9,700 remaining**" in leg.summary
    plan_comment, applied_comment = github.pr_comments(7)
    assert plan_comment["body"].startswith("<!-- voicectl:plan -->\n")
    assert applied_comment["body"].startswith(
        "<!-- voicectl:applied -->\n**✅ Apply: 1 succeeded · 300 credits spent · 9,700 "
        "remaining**\n\n| | Voice | Result | Credits | Details |\n"
    )
    assert "| ✓ | anna-en | succeeded | 300 |  |" in applied_comment["body"]
    assert_no_secret(applied, github, [API_KEY])

    # nothing left: drift is clean, and a re-run of apply has nothing to do
    drift = runner.run_workflow(WORKFLOWS / "voices-drift.yml")
    assert drift["drift"].result == "success", explain(drift)
    [leg] = drift["drift"].legs
    assert (leg.name, leg.steps[2].outputs["exit-code"]) == ("drift (default)", "0")
    again = runner.run_workflow(WORKFLOWS / "voices-apply.yml")
    assert [j.result for j in again.values()] == ["success", "skipped", "skipped"], explain(again)
    assert_no_secret({**drift, **again}, github, [API_KEY])
    assert len(github.pr_comments(7)) == 2
    assert github.issues == {}

    # someone edits the voice on main without applying: the drift job opens an issue …
    (repo / "voices" / "anna-en.yaml").write_text(
        VOICE.format(alias="anna-en") + "  gender: female\n"
    )
    git(repo, "commit", "-q", "-am", "describe anna")
    drift = runner.run_workflow(WORKFLOWS / "voices-drift.yml")
    [leg] = drift["drift"].legs
    assert (leg.result, leg.steps[2].outputs["exit-code"]) == ("failure", "2"), explain(drift)
    assert [s.outcome for s in leg.steps][-1] == "success"  # the "Report drift" warning
    (issue,) = github.issues.values()
    assert issue["title"] == "Voices drifted from their declarations (target default)"
    assert issue["body"].startswith("<!-- voicectl:drift target=default -->\n**Drift: 1 ")
    # … which closes once the declarations match again
    git(repo, "revert", "--no-edit", "HEAD")
    drift = runner.run_workflow(WORKFLOWS / "voices-drift.yml")
    assert drift["drift"].result == "success", explain(drift)
    assert issue["state"] == "closed"
    assert_no_secret(drift, github, [API_KEY])


def test_merge_of_a_different_plan_than_reviewed_is_not_applied(
    repo: Path, tmp_path: Path, github: FakeGitHub, emulator: str
):
    git(repo, "checkout", "-q", "-b", "add-bob")
    add_voice(repo, "bob-en", 5)
    pr_head = commit_all(repo, "add bob")
    event = pull_request_event(8, pr_head)
    pull = event["event"]["pull_request"]
    runner = _runner(
        repo,
        tmp_path,
        github,
        emulator,
        **event,
    )
    pr = runner.run_workflow(WORKFLOWS / "voices-plan.yml")
    assert pr["plan"].result == "success", explain(pr)
    # another voice lands on main together with the merge: the fresh plan differs
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge pull request #8", "add-bob")
    add_voice(repo, "carl-en", 9)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--amend", "--no-edit")
    merge_sha = git(repo, "rev-parse", "HEAD")
    github.pulls_by_commit[merge_sha] = [
        {**pull, "merged_at": "2026-11-25T10:00:00Z", "merge_commit_sha": merge_sha}
    ]
    runner = _runner(
        repo,
        tmp_path,
        github,
        emulator,
        event_name="push",
        sha=merge_sha,
        ref="refs/heads/main",
        event={},
    )
    applied = runner.run_workflow(WORKFLOWS / "voices-apply.yml")
    assert [j.result for j in applied.values()] == ["failure", "skipped", "skipped"], explain(
        applied
    )
    check = applied["plan"].steps[3]
    assert (check.outcome, check.outputs["exit-code"]) == ("failure", "3")
    assert "differs from the plan reviewed on pull request #8" in applied["plan"].log
    assert_no_secret(applied, github, [API_KEY])
