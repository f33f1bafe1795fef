"""The rig of the shipped-workflow tests (tests/github/test_github_e2e*.py): a workspace cloned
from a bare origin, `git` with the runner machine's environment, the simulated runner wired
to the fake GitHub, the emulator served with the runs' keys, the merge of a pull request, and
the no-secret-anywhere check."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from reconciler.emulator.core import Emulator
from reconciler.emulator.server import serve_in_thread
from tests.support.actionrunner import MACHINE_ENV, JobResult, Runner
from tests.support.fakegithub import TOKEN, FakeGitHub
from tests.support.wav import write_wav

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
VOICECTL = Path(sys.executable).parent / "voicectl"
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


def git(cwd: Path, *args: str) -> str:
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


def add_voice(ws: Path, alias: str, seed: int, extra: str = "") -> None:
    """voices/<alias>.yaml (VOICE, then `extra`) and its one 2 s take (16-bit, seeded)."""
    (ws / "voices" / f"{alias}.yaml").write_text(VOICE.format(alias=alias) + extra)
    write_wav(ws / "voices" / "audio" / alias / "take-01.wav", 2.0, seed, width=2)


def commit_all(ws: Path, message: str) -> str:
    """Commit everything in the work tree; returns the new HEAD."""
    git(ws, "add", "-A")
    git(ws, "commit", "-q", "-m", message)
    return git(ws, "rev-parse", "HEAD")


def make_workspace(tmp_path: Path, project: str | None = None) -> Path:
    """origin (bare) with main holding no voice (and `project` as voicectl.yaml); the
    workspace is a clone of it, on main."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    ws = tmp_path / "ws"
    git(tmp_path, "clone", "-q", str(origin), str(ws))
    shutil.copy2(ROOT / "action.yml", ws / "action.yml")
    if project is not None:
        (ws / "voicectl.yaml").write_text(project)
    (ws / "voices").mkdir()
    (ws / "voices" / ".gitkeep").write_text("")
    (ws / ".gitignore").write_text(".voicectl/\nplan*.json\n")
    git(ws, "checkout", "-q", "-b", "main")
    commit_all(ws, "no voice yet")
    git(ws, "push", "-q", "origin", "main")
    return ws


def workflow_runner(
    ws: Path,
    tmp_path: Path,
    github: FakeGitHub,
    secrets: Mapping[str, str],
    env: Mapping[str, str],
    **ctx: object,
) -> Runner:
    """The simulated runner on `ws`, talking to the fake GitHub, with `secrets` and `env`."""
    return Runner(
        workspace=ws,
        temp_root=tmp_path / "runner-temp",
        artifacts=tmp_path / "artifacts",
        voicectl_bin=VOICECTL,
        github={"repository": "acme/voices", "token": TOKEN, **ctx},
        secrets=dict(secrets),
        env={**MACHINE_ENV, "GITHUB_API_URL": github.url, **env},
    )


def assert_no_secret(
    results: Mapping[str, JobResult], github: FakeGitHub, secrets: Iterable[str]
) -> None:
    """No secret (nor the token) in any log, summary, output or comment GitHub would show."""
    hidden = (*secrets, TOKEN)
    for job in results.values():
        for secret in hidden:
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
            assert all(secret not in comment["body"] for secret in hidden)


def merge_pull(repo: Path, github: FakeGitHub, pull: dict[str, Any], branch: str) -> str:
    """Merge `branch` into main as pull request #7 would be, and tell the fake GitHub."""
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge pull request #7", branch)
    merge_sha = git(repo, "rev-parse", "HEAD")
    github.pulls_by_commit[merge_sha] = [
        {**pull, "merged_at": "2026-11-25T10:00:00Z", "merge_commit_sha": merge_sha}
    ]
    return merge_sha


def explain(results: Mapping[str, JobResult]) -> str:
    """Every job (every leg of a matrix job): its steps' outcomes and its log."""
    jobs = [leg for j in results.values() for leg in (j.legs or [j])]
    return "\n".join(
        f"== {j.name}: {j.result} {[(s.name, s.outcome) for s in j.steps]}\n{j.log}" for j in jobs
    )


@contextmanager
def served_emulator(keys: Mapping[str, tuple[str, str]]) -> Iterator[str]:
    """The emulator on loopback (immediate clock) with each key registered for its
    (org, user); yields the base URL and fails the test on any internal error."""
    emu = Emulator(clock_mode="immediate")
    server = serve_in_thread(emu)
    try:
        for key, (org, user) in keys.items():
            body = {"key": key, "org": org, "user": user}
            httpx.post(f"{server.base_url}/_emulator/keys", json=body).raise_for_status()
        yield server.base_url
    finally:
        server.close()
        emu.close()
    assert emu.internal_errors == []


def pull_request_event(
    number: int, head: str, *, branch: str | None = None, repo: str = "acme/voices"
) -> dict[str, Any]:
    """The runner context of a `pull_request` event: pull request `number` at commit `head`
    of `branch` in `repo` (another repository's name makes it a fork), onto main."""
    pull_head: dict[str, Any] = {"sha": head, "repo": {"full_name": repo}}
    if branch is not None:
        pull_head["ref"] = branch
    pull = {"number": number, "head": pull_head, "base": {"ref": "main"}}
    return {
        "event_name": "pull_request",
        "sha": head,
        "ref": f"refs/pull/{number}/merge",
        "base_ref": "main",
        "event": {"pull_request": pull},
    }
