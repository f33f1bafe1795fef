"""The shipped workflows on a repository with two targets (staging and prod, two
organisations on one served emulator, each with its own key variable and prod with its own
environment): each target is planned, applied and checked in its own job of a matrix, the
pull request still gets ONE comment with a section per target (a target whose plan failed
shows its errors there), the merge applies both and reports back, drift is clean.

The workflows are used as the README tells a multi-target repository to: unchanged, plus
each target's key secret next to AUDIOSTACK_API_KEY in the steps' env.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.actionrunner import Runner
from tests.support.fakegithub import FakeGitHub
from tests.support.workflowrig import (
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

KEYS = {
    "AUDIOSTACK_STAGING_KEY": "sk-CANARY-staging-0123456789",
    "AUDIOSTACK_PROD_KEY": "sk-CANARY-prod-9876543210",
}
PROJECT = """\
owner: acme/voices
targets:
  staging: {{api_url: "{url}", api_key_env: AUDIOSTACK_STAGING_KEY}}
  prod: {{api_url: "{url}", api_key_env: AUDIOSTACK_PROD_KEY, environment: voices-prod}}
"""
KEY_LINE = re.compile(r"^(\s+)AUDIOSTACK_API_KEY: \$\{\{ secrets\.AUDIOSTACK_API_KEY \}\}$", re.M)


@pytest.fixture
def served() -> Iterator[str]:
    orgs = {"AUDIOSTACK_STAGING_KEY": "staging", "AUDIOSTACK_PROD_KEY": "prod"}
    keys = {KEYS[name]: (f"org-{env}", f"user-{env}") for name, env in orgs.items()}
    with served_emulator(keys) as url:
        yield url


def _with_target_keys(line: re.Match[str]) -> str:
    indent = line[1]
    return line[0] + "".join(f"\n{indent}{name}: ${{{{ secrets.{name} }}}}" for name in KEYS)


@pytest.fixture
def workflows(tmp_path: Path) -> Path:
    """The shipped workflows with each target's key added where AUDIOSTACK_API_KEY is."""
    folder = tmp_path / "workflows"
    folder.mkdir()
    for path in WORKFLOWS.glob("voices-*.yml"):
        text, count = KEY_LINE.subn(_with_target_keys, path.read_text())
        assert count > 0, path.name
        (folder / path.name).write_text(text)
    return folder


@pytest.fixture
def repo(tmp_path: Path, served: str) -> Path:
    return make_workspace(tmp_path, PROJECT.format(url=served))


def _runner(ws: Path, tmp_path: Path, github: FakeGitHub, **ctx: object) -> Runner:
    # no AUDIOSTACK_API_KEY at all: each target has its own
    return workflow_runner(ws, tmp_path, github, KEYS, {}, **ctx)


def test_two_targets_get_one_comment_both_are_applied_and_drift_is_clean(
    repo: Path, tmp_path: Path, github: FakeGitHub, served: str, workflows: Path
):
    git(repo, "checkout", "-q", "-b", "add-voices")
    add_voice(repo, "anna-stg", 3, extra="targets: [staging]\n")
    add_voice(repo, "anna-prod", 5, extra="targets: [prod]\n")
    pr_head = commit_all(repo, "add anna on staging and on prod")
    event = pull_request_event(7, pr_head, branch="add-voices")
    pull = event["event"]["pull_request"]
    runner = _runner(
        repo,
        tmp_path,
        github,
        **event,
    )
    pr = runner.run_workflow(workflows / "voices-plan.yml")
    assert [j.result for j in pr.values()] == ["success"] * 3, explain(pr)
    assert pr["validate"].outputs == {"targets": "prod staging", "matrix": '["prod","staging"]'}
    legs = {leg.name: leg for leg in pr["plan"].legs}
    assert sorted(legs) == ["plan (prod)", "plan (staging)"]  # one job per target
    assert legs["plan (prod)"].concurrency == "voices-plan-7-prod"
    for target, leg in (("prod", legs["plan (prod)"]), ("staging", legs["plan (staging)"])):
        plan_step = leg.steps[2].outputs
        assert (plan_step["targets"], plan_step["plan-files"]) == (target, f"plan-{target}.json")
        assert (plan_step["has-changes"], plan_step["exit-code"]) == ("true", "2")
        assert plan_step["credits"] == "300"
    [comment] = github.pr_comments(7)
    body = comment["body"]
    assert body.startswith("<!-- voicectl:plan -->\n")
    prod, staging = body.split("### Target `prod`")[1].split("### Target `staging`")
    assert "| `+` | create | anna-prod |" in prod and "anna-stg" not in prod
    assert "| `+` | create | anna-stg |" in staging and "anna-prod" not in staging
    assert "**Total: 600 credits** for 2 targets (prod 300 · staging 300)" in body
    assert (
        "**Next:** merging applies this plan after approval of `voices-prod` (prod) and "
        "`production` (staging)." in body
    )
    assert f"head={pr_head}" in body
    assert_no_secret(pr, github, KEYS.values())

    # the merge applies both targets, after checking each is the reviewed plan
    merge_sha = merge_pull(repo, github, pull, "add-voices")
    runner = _runner(
        repo,
        tmp_path,
        github,
        event_name="push",
        sha=merge_sha,
        ref="refs/heads/main",
        base_ref="",
        event={"after": merge_sha},
    )
    applied = runner.run_workflow(workflows / "voices-apply.yml")
    assert [j.result for j in applied.values()] == ["success"] * 3, explain(applied)
    assert "plan matches the one reviewed on pull request #7" in applied["plan"].log
    assert applied["plan"].outputs["changed-targets"] == (
        '[{"target":"prod","environment":"voices-prod"},'
        '{"target":"staging","environment":"production"}]'
    )
    assert [(leg.name, leg.environment, leg.concurrency) for leg in applied["apply"].legs] == [
        ("apply (prod)", "voices-prod", "voicectl-apply-prod"),
        ("apply (staging)", "production", "voicectl-apply-staging"),
    ]
    for leg in applied["apply"].legs:
        apply_step = leg.steps[3].outputs
        assert (apply_step["exit-code"], apply_step["credits"]) == ("0", "300")
    plan_comment, applied_comment = github.pr_comments(7)
    assert plan_comment["body"].startswith("<!-- voicectl:plan -->\n")
    assert applied_comment["body"].startswith(
        "<!-- voicectl:applied -->\n"
        "**✅ Apply of target `prod`: 1 succeeded · 300 credits spent · 9,700 remaining**\n"
    )
    assert (
        "**✅ Apply of target `staging`: 1 succeeded · 300 credits spent · 9,700 remaining**"
        in applied_comment["body"]
    )
    state = httpx.get(f"{served}/_emulator/state").json()
    assert {c["alias"]: c["orgId"] for c in state["clones"]} == {
        "anna-stg": "org-staging",
        "anna-prod": "org-prod",
    }
    assert_no_secret(applied, github, KEYS.values())

    # both targets match: drift is clean, and a re-run of apply has nothing to do
    drift = runner.run_workflow(workflows / "voices-drift.yml")
    assert drift["drift"].result == "success", explain(drift)
    assert [(leg.name, leg.steps[2].outputs["exit-codes"]) for leg in drift["drift"].legs] == [
        ("drift (prod)", "prod=0"),
        ("drift (staging)", "staging=0"),
    ]
    again = runner.run_workflow(workflows / "voices-apply.yml")
    assert [j.result for j in again.values()] == ["success", "skipped", "skipped"], explain(again)
    assert_no_secret({**drift, **again}, github, KEYS.values())


def test_one_target_failing_still_gets_one_comment_with_its_errors_and_the_other_plan(
    repo: Path, tmp_path: Path, github: FakeGitHub, served: str, workflows: Path
):
    git(repo, "checkout", "-q", "-b", "add-voices")
    add_voice(repo, "anna-stg", 3, extra="targets: [staging]\n")
    add_voice(repo, "anna-prod", 5, extra="targets: [prod]\n")
    pr_head = commit_all(repo, "add anna on staging and on prod")
    runner = _runner(
        repo,
        tmp_path,
        github,
        **pull_request_event(7, pr_head),
        run_id="99",
    )
    del runner.secrets["AUDIOSTACK_STAGING_KEY"]  # staging's plan fails: its key is missing
    pr = runner.run_workflow(workflows / "voices-plan.yml")
    assert [j.result for j in pr.values()] == ["success", "failure", "success"], explain(pr)
    assert [leg.result for leg in pr["plan"].legs] == ["success", "failure"]
    [comment] = github.pr_comments(7)
    body = comment["body"]
    prod, staging = body.split("### Target `prod`")[1].split("### Target `staging`")
    assert "| `+` | create | anna-prod |" in prod
    assert staging.startswith(
        "\n\n**❌ voicectl plan failed for target `staging`**: no plan to review; merging now "
        "would not apply it.\n\nFirst errors:\n\n```text\nerror: target staging needs its key: "
        "set AUDIOSTACK_STAGING_KEY (or use --api emulator)\n```\n"
    )
    assert "**Total: 300 credits** for 2 targets (prod 300 · staging plan failed)" in body
    assert (
        "**Next:** the plan of `staging` failed: fix the errors and push again; merging now "
        "would not apply it." in body
    )
    assert "[Workflow run](https://github.com/acme/voices/actions/runs/99)" in body
    assert "voicectl:reviewed target=prod " in body
    assert "voicectl:reviewed target=staging" not in body  # not reviewable, not appliable
    assert_no_secret(pr, github, KEYS.values())
