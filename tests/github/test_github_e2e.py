"""The shipped workflows, run step by step by a simulated runner against the served emulator
and the fake GitHub API: a pull request adds a voice, the merge applies it, drift is clean.

The API key and the GitHub token are canaries: they must not appear in the comment, the job
summaries, the step outputs or the log as GitHub would show it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.emulator.core import Emulator
from reconciler.emulator.limits import DEFAULT_ORG, DEFAULT_USER
from reconciler.emulator.server import serve_in_thread
from tests.support.actionrunner import MACHINE_ENV, JobResult, Runner
from tests.support.fakegithub import TOKEN, FakeGitHub
from tests.support.sound import speechlike

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
API_KEY = "sk-CANARY-e2e-0123456789abcdef"
VOICECTL = Path(sys.executable).parent / "voicectl"

needs_plan_and_apply = pytest.mark.skipif(
    not (ROOT / "reconciler" / "commands" / "plan.py").exists()
    or not (ROOT / "reconciler" / "commands" / "apply.py").exists(),
    reason="voicectl plan/apply are not wired yet",
)


def _git(cwd: Path, *args: str) -> str:
    env = {
        **MACHINE_ENV,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _wav(path: Path, seconds: float, pitch: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rate = 8000
    pattern = bytes((i * pitch // 7) % 256 for i in range(int(rate * seconds))) * 2
    frames = speechlike(pattern, 2, rate)  # speech-like: the audio-quality checks pass
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)


VOICE = """\
# yaml-language-server: $schema=../schemas/voice.schema.json
version: 1
alias: {alias}
engine: voice_engine_3
language: en-GB
files:
  - audio/{alias}/take-01.wav
metadata:
  note: "<b>hi</b> @octocat | `x`"
"""


@pytest.fixture
def emulator() -> Iterator[str]:
    emu = Emulator(clock_mode="immediate")
    served = serve_in_thread(emu)
    httpx.post(
        f"{served.base_url}/_emulator/keys",
        json={"key": API_KEY, "org": DEFAULT_ORG, "user": DEFAULT_USER},
    ).raise_for_status()
    yield served.base_url
    served.close()
    emu.close()
    assert emu.internal_errors == []


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """origin (bare) with main holding no voice; the workspace is a clone of it."""
    origin = tmp_path / "origin.git"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    ws = tmp_path / "ws"
    _git(tmp_path, "clone", "-q", str(origin), str(ws))
    shutil.copy2(ROOT / "action.yml", ws / "action.yml")
    (ws / "voices").mkdir()
    (ws / "voices" / ".gitkeep").write_text("")
    (ws / ".gitignore").write_text(".voicectl/\nplan.json\n")
    _git(ws, "checkout", "-q", "-b", "main")
    _git(ws, "add", "-A")
    _git(ws, "commit", "-q", "-m", "empty voices")
    _git(ws, "push", "-q", "origin", "main")
    return ws


def _runner(ws: Path, tmp_path: Path, github: FakeGitHub, emulator: str, **ctx: object) -> Runner:
    return Runner(
        workspace=ws,
        temp_root=tmp_path / "runner-temp",
        artifacts=tmp_path / "artifacts",
        voicectl_bin=VOICECTL,
        github={"repository": "acme/voices", "token": TOKEN, **ctx},
        secrets={"AUDIOSTACK_API_KEY": API_KEY},
        env={**MACHINE_ENV, "GITHUB_API_URL": github.url, "AUDIOSTACK_API_URL": emulator},
    )


def _assert_no_secret(results: dict[str, JobResult], github: FakeGitHub) -> None:
    for job in results.values():
        for secret in (API_KEY, TOKEN):
            assert secret not in job.log, job.name
            assert secret not in job.summary, job.name
            assert secret not in json.dumps([s.outputs for s in job.steps]), job.name
            assert secret not in json.dumps(job.outputs), job.name
            leaked = [
                line
                for line in job.raw_log.splitlines()
                if secret in line and not line.startswith("::add-mask::")
            ]
            assert leaked == [], job.name
    for comments in github.comments.values():
        for comment in comments:
            assert API_KEY not in comment["body"] and TOKEN not in comment["body"]


def merge_pull(repo: Path, github: FakeGitHub, pull: dict[str, Any], branch: str) -> str:
    """Merge `branch` into main as pull request #7 would be, and tell the fake GitHub."""
    _git(repo, "checkout", "-q", "main")
    _git(repo, "merge", "-q", "--no-ff", "-m", "Merge pull request #7", branch)
    merge_sha = _git(repo, "rev-parse", "HEAD")
    github.pulls_by_commit[merge_sha] = [
        {**pull, "merged_at": "2026-11-25T10:00:00Z", "merge_commit_sha": merge_sha}
    ]
    return merge_sha


def _explain(results: dict[str, JobResult]) -> str:
    return "\n".join(
        f"== {j.name}: {j.result} {[(s.name, s.outcome) for s in j.steps]}\n{j.log}"
        for j in results.values()
    )


def test_fork_pull_request_gets_validate_only_and_no_comment(
    repo: Path, tmp_path: Path, github: FakeGitHub, emulator: str
):
    _git(repo, "checkout", "-q", "-b", "fork-change")
    (repo / "voices" / "eve-en.yaml").write_text(VOICE.format(alias="eve-en"))
    _wav(repo / "voices" / "audio" / "eve-en" / "take-01.wav", 2.0, 7)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "add eve")
    head = _git(repo, "rev-parse", "HEAD")
    pull = {"number": 9, "head": {"sha": head, "repo": {"full_name": "mallory/voices"}}}
    runner = _runner(
        repo,
        tmp_path,
        github,
        emulator,
        event_name="pull_request",
        sha=head,
        base_ref="main",
        event={"pull_request": pull},
    )
    runner.secrets = {}  # GitHub passes no secrets to fork pull requests
    results = runner.run_workflow(WORKFLOWS / "voices-plan.yml")
    assert [j.result for j in results.values()] == ["success", "skipped"], _explain(results)
    assert github.requests == []


def test_invalid_declaration_fails_validate_with_an_annotation(
    repo: Path, tmp_path: Path, github: FakeGitHub, emulator: str
):
    _git(repo, "checkout", "-q", "-b", "broken")
    (repo / "voices" / "bad.yaml").write_text(
        VOICE.format(alias="bad").replace("voice_engine_3", "voice_engine_9")
    )
    _wav(repo / "voices" / "audio" / "bad" / "take-01.wav", 2.0, 7)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "bad")
    head = _git(repo, "rev-parse", "HEAD")
    pull = {"number": 10, "head": {"sha": head, "repo": {"full_name": "acme/voices"}}}
    runner = _runner(
        repo,
        tmp_path,
        github,
        emulator,
        event_name="pull_request",
        sha=head,
        base_ref="main",
        event={"pull_request": pull},
    )
    results = runner.run_workflow(WORKFLOWS / "voices-plan.yml")
    assert [j.result for j in results.values()] == ["failure", "skipped"], _explain(results)
    assert "::error file=voices/bad.yaml,line=" in results["validate"].raw_log
    assert results["validate"].steps[2].outputs["exit-code"] == "1"
    assert github.requests == []


@needs_plan_and_apply
def test_pull_request_plans_the_merge_applies_and_drift_is_clean(
    repo: Path, tmp_path: Path, github: FakeGitHub, emulator: str
):
    # a pull request adds one voice
    _git(repo, "checkout", "-q", "-b", "add-anna")
    (repo / "voices" / "anna-en.yaml").write_text(VOICE.format(alias="anna-en"))
    _wav(repo / "voices" / "audio" / "anna-en" / "take-01.wav", 2.0, 3)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "add anna")
    _git(repo, "push", "-q", "origin", "add-anna")
    pr_head = _git(repo, "rev-parse", "HEAD")
    pull = {
        "number": 7,
        "head": {"sha": pr_head, "ref": "add-anna", "repo": {"full_name": "acme/voices"}},
        "base": {"ref": "main"},
    }
    runner = _runner(
        repo,
        tmp_path,
        github,
        emulator,
        event_name="pull_request",
        sha=pr_head,
        ref="refs/pull/7/merge",
        base_ref="main",
        event={"pull_request": pull},
    )
    for _push in range(2):  # two pushes: still one comment
        pr = runner.run_workflow(WORKFLOWS / "voices-plan.yml")
        assert [j.result for j in pr.values()] == ["success", "success"], _explain(pr)
    [comment] = github.pr_comments(7)
    body = comment["body"]
    assert body.startswith("<!-- voicectl:plan -->\n")
    assert "| `+` | create | anna-en |" in body
    assert "@octocat" not in body and "<b>" not in body
    assert f"head={pr_head}" in body
    assert "create" in pr["plan"].summary
    assert pr["plan"].steps[2].outputs["has-changes"] == "true"
    _assert_no_secret(pr, github)

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
    assert [j.result for j in applied.values()] == ["success", "success"], _explain(applied)
    assert applied["plan"].outputs["has-changes"] == "true"
    assert "plan matches the one reviewed on pull request #7" in applied["plan"].log
    _assert_no_secret(applied, github)

    # nothing left: drift is clean, and a re-run of apply has nothing to do
    drift = runner.run_workflow(WORKFLOWS / "voices-drift.yml")
    assert drift["drift"].result == "success", _explain(drift)
    assert drift["drift"].steps[2].outputs["exit-code"] == "0"
    again = runner.run_workflow(WORKFLOWS / "voices-apply.yml")
    assert [j.result for j in again.values()] == ["success", "skipped"], _explain(again)
    _assert_no_secret({**drift, **again}, github)


@needs_plan_and_apply
def test_merge_of_a_different_plan_than_reviewed_is_not_applied(
    repo: Path, tmp_path: Path, github: FakeGitHub, emulator: str
):
    _git(repo, "checkout", "-q", "-b", "add-bob")
    (repo / "voices" / "bob-en.yaml").write_text(VOICE.format(alias="bob-en"))
    _wav(repo / "voices" / "audio" / "bob-en" / "take-01.wav", 2.0, 5)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "add bob")
    pr_head = _git(repo, "rev-parse", "HEAD")
    pull = {
        "number": 8,
        "head": {"sha": pr_head, "repo": {"full_name": "acme/voices"}},
        "base": {"ref": "main"},
    }
    runner = _runner(
        repo,
        tmp_path,
        github,
        emulator,
        event_name="pull_request",
        sha=pr_head,
        base_ref="main",
        event={"pull_request": pull},
    )
    pr = runner.run_workflow(WORKFLOWS / "voices-plan.yml")
    assert pr["plan"].result == "success", _explain(pr)
    # another voice lands on main together with the merge: the fresh plan differs
    _git(repo, "checkout", "-q", "main")
    _git(repo, "merge", "-q", "--no-ff", "-m", "Merge pull request #8", "add-bob")
    (repo / "voices" / "carl-en.yaml").write_text(VOICE.format(alias="carl-en"))
    _wav(repo / "voices" / "audio" / "carl-en" / "take-01.wav", 2.0, 9)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "--amend", "--no-edit")
    merge_sha = _git(repo, "rev-parse", "HEAD")
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
    assert [j.result for j in applied.values()] == ["failure", "skipped"], _explain(applied)
    check = applied["plan"].steps[3]
    assert (check.outcome, check.outputs["exit-code"]) == ("failure", "3")
    assert "differs from the plan reviewed on pull request #8" in applied["plan"].log
    _assert_no_secret(applied, github)
