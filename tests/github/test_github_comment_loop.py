"""What a reviewer sees, end to end against the fake GitHub API: totals and balance, run
link, short SHAs with full ones hidden, next steps, hints as code, warnings, a budget
reason stated once, one stable marker per repository, failures posted in place, and the
"Applied" comment on the merged pull request."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from reconciler.model.errors import Diagnostic, Location, Severity
from reconciler.plan.policy import apply_budget
from tests.support.clirig import run_cli
from tests.support.commentrig import MERGE_SHA, PR_HEAD, actions_env, mark_merged
from tests.support.fakegithub import FakeGitHub
from tests.support.planvalues import make_plan, save_plan

RUN = {"GITHUB_SERVER_URL": "https://github.test", "GITHUB_RUN_ID": "4242"}
RUN_URL = "https://github.test/acme/voices/actions/runs/4242"


def _comment(github: FakeGitHub) -> str:
    (comment,) = github.pr_comments(7)
    return str(comment["body"])


def test_two_targets_one_comment_with_totals_balance_run_link_and_next_steps(github, tmp_path):
    env = actions_env(github, tmp_path, **RUN)
    prod = save_plan(make_plan(5, target="prod"), tmp_path / "plan-prod.json")
    staging = save_plan(make_plan(4, target="staging"), tmp_path / "plan-staging.json")
    assert run_cli("comment", str(prod), str(staging), cwd=tmp_path, env=env).code == 0
    body = _comment(github)
    lines = body.splitlines()
    assert lines[0] == "<!-- voicectl:plan -->"
    assert "**Total: 2,700 credits** for 2 targets (prod 1,500 · staging 1,200)" in lines
    assert (
        "Cost: 300 + 300 + 300 + 300 + 300 = **1,500 credits** · balance 10,000,000 → "
        "9,998,500 credits" in lines
    )
    head = f"head `{PR_HEAD[:7]}`"
    assert sum(head in line for line in lines) == 2  # short SHAs in the text …
    assert PR_HEAD not in body.split("-->\n", 3)[-1].split("<details><summary>Checksums")[0]
    assert f"head={PR_HEAD}" in body  # … the full ones in the hidden review records
    checksum = json.loads(prod.read_text())["checksum"]
    assert f"- `prod`: `{checksum}`" in lines
    assert (
        f"[Workflow run]({RUN_URL}) · full plans: the `voicectl-plan-*` artifacts and the job "
        "summaries" in lines
    )
    assert "**Next:** merging applies this plan after approval of `production`." in lines
    # adding a target later edits the same comment: the marker does not carry the targets
    third = save_plan(make_plan(1, target="eu"), tmp_path / "plan-eu.json")
    assert run_cli("comment", str(prod), str(staging), str(third), cwd=tmp_path, env=env).code == 0
    assert "for 3 targets (prod 1,500 · staging 1,200 · eu 300)" in _comment(github)


def test_an_older_per_target_marker_is_edited_in_place(github, tmp_path):
    github.add_comment(7, "<!-- voicectl:plan target=prod,staging -->\nold plan")
    env = actions_env(github, tmp_path)
    plan = save_plan(make_plan(1), tmp_path / "plan.json")
    assert run_cli("comment", str(plan), cwd=tmp_path, env=env).code == 0
    assert _comment(github).startswith("<!-- voicectl:plan -->\n")


def test_a_budget_block_states_its_reason_once_and_hints_read_as_code(github, tmp_path):
    plan = make_plan(140)
    changes, reasons = apply_budget(plan.changes, 3_000, plan.credits_remaining)
    blocked = dataclasses.replace(plan, changes=tuple(changes), blocked_reasons=reasons)
    warning = Diagnostic(
        Location("voices/voice-00001.yaml", 4, 11),
        Severity.WARNING,
        "non-English voice_engine_2 voice under 45 minutes",
        hint="record more, or use `voice_engine_3`",
    )
    blocked = dataclasses.replace(blocked, diagnostics=(warning,))
    saved = save_plan(blocked, tmp_path / "plan.json")
    env = actions_env(github, tmp_path, **RUN)
    assert (
        run_cli("comment", str(saved), "--environment", "voices-prod", cwd=tmp_path, env=env).code
        == 0
    )
    body = _comment(github)
    assert body.count("exceeds max credits 3,000") == 1  # the summary line, not 140 rows
    assert body.count("blocked: over budget (see above)") > 100
    assert "**Next:** the plan is blocked: fix the `!` lines above and push again." in body
    assert (
        "**Warnings (1)**\n\n- `voices/voice-00001.yaml:4:11` non-English voice\\_engine\\_2 "
        "voice under 45 minutes — hint: record more, or use <code>voice\\_engine\\_3</code>" in body
    )


def test_a_failed_plan_replaces_the_comment_in_place_and_is_not_reviewable(github, tmp_path):
    env = actions_env(github, tmp_path, **RUN)
    plan = save_plan(make_plan(2), tmp_path / "plan.json")
    assert run_cli("comment", str(plan), cwd=tmp_path, env=env).code == 0
    log = tmp_path / "plan.log"
    log.write_text(
        "target: default (https://v2.api.audio)\n"
        "voices/anna.yaml:7:9: error[engine]: unknown engine 'voice_engine_9'\n"
        "  hint: use voice_engine_2 or voice_engine_3\n"
        "1 error, 0 warnings\n"
    )
    code, out, _ = run_cli("comment", "--failed", "plan", "--log", str(log), cwd=tmp_path, env=env)
    assert code == 0 and out.startswith("comment updated: ")
    assert _comment(github) == (
        "<!-- voicectl:plan -->\n\n"
        f"**❌ voicectl plan failed** on commit `{PR_HEAD[:7]}`: the plan shown here before is "
        "out of date, and merging now would apply nothing.\n\n"
        "First errors:\n\n"
        "```text\n"
        "voices/anna.yaml:7:9: error[engine]: unknown engine 'voice_engine_9'\n"
        "  hint: use voice_engine_2 or voice_engine_3\n"
        "```\n\n"
        f"[Workflow run]({RUN_URL}) · all errors in the job summary\n\n"
        "**Next:** fix the errors and push again; this comment is updated in place.\n"
    )
    mark_merged(github, None)
    code, _, err = run_cli("comment", "--check-reviewed", str(plan), cwd=tmp_path, env=env)
    assert code == 3
    assert err.startswith("error: no plan for target default was reviewed on pull request #7")


def test_the_merged_pull_request_gets_one_applied_comment(github, tmp_path):
    mark_merged(github, None)
    report = {
        "format_version": 1,
        "exit_code": 5,
        "interrupted": False,
        "stopped_reason": None,
        "summary": {"succeeded": 1, "failed": 1, "pending": 0},
        "credits": {"spent": 300, "remaining": 9_700},
        "voices": [
            {"alias": "anna-en", "result": "succeeded", "status": "succeeded", "reason": None,
             "credits": 300, "discarded": [{"file_id": "f1", "path": "voices/a/short.wav",
                                              "reason": "too short: 1.2 s < 1.5 s"}]},
            {"alias": "bob-en", "result": "failed", "status": "failed", "reason": "noisy audio",
             "credits": 0, "discarded": []},
        ],
    }  # fmt: skip
    path = tmp_path / "report-prod.json"
    path.write_text(json.dumps(report))
    env = {
        **actions_env(github, tmp_path, **RUN),
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_SHA": MERGE_SHA,
    }
    for _ in range(2):  # a re-run of the apply job edits the same comment
        code, out, _ = run_cli("comment", "--applied", str(path), cwd=tmp_path, env=env)
        assert code == 0, out
    assert _comment(github) == (
        "<!-- voicectl:applied -->\n"
        "**❌ Apply of target `prod`: 1 succeeded, 1 failed · 300 credits spent · 9,700 "
        "remaining**\n\n"
        "| | Voice | Result | Credits | Details |\n| --- | --- | --- | --- | --- |\n"
        "| ✓ | anna-en | succeeded | 300 |  |\n"
        "| ✗ | bob-en | failed | 0 | noisy audio |\n\n"
        "**Discarded files (1)**\n\n"
        "- anna-en: voices/a/short.wav (too short: 1.2 s &lt; 1.5 s)\n\n"
        f"[Workflow run]({RUN_URL})"
    )


MODES = (
    "error: comment takes PLAN.json files, or --failed STEP --log FILE, or --applied "
    "REPORT.json (one of them); --failed plan --log TARGET=FILE adds a failed target to "
    "PLAN.json files\n"
)


def test_comment_modes_do_not_mix(github, tmp_path: Path):
    env = actions_env(github, tmp_path)
    plan = str(save_plan(make_plan(1), tmp_path / "plan.json"))
    for argv in (
        [],
        [plan, "--log", "x.log"],  # a log without --failed
        ["--failed", "validate", plan, "--log", "x.log"],
        ["--failed", "validate", "--log", "prod=x.log"],
        ["--failed", "plan", "--log", "a.log", "--log", "prod=b.log"],
    ):
        run = run_cli("comment", *argv, cwd=tmp_path, env=env)
        assert (run.code, run.err) == (1, MODES), argv
    assert github.requests == []


def test_a_failed_target_without_its_log_still_gets_its_section(github, tmp_path: Path):
    env = actions_env(github, tmp_path, **RUN)
    prod = save_plan(make_plan(2, target="prod"), tmp_path / "plan-prod.json")
    argv = ["comment", str(prod), "--failed", "plan", "--log", "staging=plan-staging.log"]
    assert run_cli(*argv, cwd=tmp_path, env=env).code == 0
    body = _comment(github)
    assert (
        "### Target `staging`\n\n**❌ voicectl plan failed for target `staging`**: no plan to "
        "review; merging now would not apply it.\n\nFirst errors:\n\n```text\n(no output)\n```\n"
    ) in body
    assert "**Total: 600 credits** for 2 targets (prod 600 · staging plan failed)" in body
    assert body.index("### Target `prod`") < body.index("### Target `staging`")


def test_audio_warnings_of_a_real_plan_reach_the_comment(github, tmp_path: Path):
    from tests.support.clirig import IMMEDIATE, make_repo

    repo = make_repo(
        tmp_path / "repo", config="quality:\n  checks:\n    rms_low: {threshold: -5}\n"
    )
    repo.env = dict(IMMEDIATE)
    repo.voice("anna-en", files=1)
    assert repo.run("plan", "--out", "plan.json").code == 0
    env = actions_env(github, tmp_path, **RUN)
    assert repo.run("comment", "plan.json", env=env).code == 0
    body = _comment(github)
    assert (
        "**Warnings (1)**\n\n- `voices/anna-en.yaml:7:5` voices/audio/anna-en/take-00.wav is "
        "quiet: RMS -20.3 dBFS (below -5) — hint: normalise to −20 dBFS RMS (ACX: −23 to −18)\n"
    ) in body
    assert "| anna-en | 1 | 2.0 of 2.0 s |" in body  # the audio quality table
