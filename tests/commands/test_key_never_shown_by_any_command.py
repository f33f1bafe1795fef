"""S8: the API key never shows. Every command runs with AUDIOSTACK_API_KEY=sk-CANARY-…,
in every format, with --debug, with an unknown key (403), with forced 500s and dropped
connections whose bodies echo the key; stdout, stderr and every file written under the
repository (plans, reports, .voicectl/*) are searched for it."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable

import pytest

from tests.support.clirig import CliRun, Emu, Repo

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("validate",),
    ("engines",),
    ("schema", "voice"),
    ("schema", "plan"),
    ("schema", "project"),
    ("plan", "--out", "plan-text.json"),
    ("plan", "--format", "json", "--out", "plan-json.json", "--detail", "full"),
    ("plan", "--format", "markdown", "--out", "plan-md.json", "--debug"),
    ("plan", "--base", "HEAD", "--detailed-exitcode"),
    ("status",),
    ("drift",),
    ("drift", "--format", "json", "--debug"),
    ("apply", "plan-text.json", "--report", "report-1.json"),
    ("apply", "--yes", "--report", "report-2.json", "--debug"),
    ("plan", "--format", "json", "--out", "plan-after.json"),
    ("drift", "--format", "markdown"),
    ("import", "--all", "--force"),
    ("comment", "plan-after.json"),
)


@pytest.fixture
def canary() -> str:
    return f"sk-CANARY-{secrets.token_hex(12)}"


def assert_no_canary(canary: str, repo: Repo, outcomes: Iterable[CliRun], captured: str) -> None:
    for outcome in outcomes:
        assert canary not in outcome.out
        assert canary not in outcome.err
    assert canary not in captured
    written = repo.files()
    for path in written:
        assert canary.encode() not in path.read_bytes(), path


def prepare(repo: Repo, emu: Emu, canary: str) -> None:
    repo.env = emu.env(canary)
    repo.voice("anna-en", metadata={"gender": "female"})
    repo.voice("bob-en")
    repo.commit("voices")


def run_all(repo: Repo, commands: Iterable[tuple[str, ...]]) -> list[CliRun]:
    return [repo.run(*argv) for argv in commands]


def test_canary_key_never_appears_in_any_output_or_file(
    repo: Repo, emu: Emu, canary: str, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.register_key(canary)
    prepare(repo, emu, canary)
    outcomes = run_all(repo, COMMANDS)
    codes = dict(zip((" ".join(c) for c in COMMANDS), (o.code for o in outcomes), strict=True))
    assert codes["apply plan-text.json --report report-1.json"] == 0
    assert codes["plan --format json --out plan-after.json"] == 0
    assert codes["drift --format markdown"] == 0
    assert codes["comment plan-after.json"] == 1  # no GitHub token here
    assert all(code in (0, 1, 2) for code in codes.values()), codes
    quiet = [o for c, o in zip(COMMANDS, outcomes, strict=True) if "--debug" not in c]
    assert all("Traceback" not in o.err for o in quiet)
    report = json.loads((repo.root / "report-1.json").read_text(encoding="utf-8"))
    assert report
    assert (repo.root / ".voicectl").is_dir()
    assert_no_canary(canary, repo, outcomes, capsys.readouterr().err)


def test_unknown_canary_key_is_refused_without_showing_it(
    repo: Repo, emu: Emu, canary: str, capsys: pytest.CaptureFixture[str]
) -> None:
    prepare(repo, emu, canary)  # the key is not registered: 403 on every request
    networked = [c for c in COMMANDS if c[0] in ("plan", "drift", "apply", "import", "status")]
    outcomes = run_all(repo, [*networked, ("plan", "--debug")])
    assert {o.code for o in outcomes} == {1}
    plain = outcomes[0].err
    assert "AUDIOSTACK_API_KEY" in plain
    assert "Traceback" not in plain
    assert "Traceback" in outcomes[-1].err  # --debug shows it, scrubbed
    assert_no_canary(canary, repo, outcomes, capsys.readouterr().err)


def test_server_errors_echoing_the_key_never_show_it(
    repo: Repo, emu: Emu, canary: str, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.register_key(canary)
    prepare(repo, emu, canary)
    echo = json.dumps({"message": f"internal error for key {canary}", "errors": [canary]})
    emu.fault(method="GET", route="*", status=500, body=echo)  # retried with backoff: once
    failing = [repo.run("plan", "--debug", "--format", "json", "--out", "plan.json")]
    assert "(gave up after 5 attempts)" in failing[0].err
    emu.clear_faults()
    emu.fault(method="GET", route="*", status=400, body=echo)  # not retried
    failing += run_all(repo, [c for c in COMMANDS if c[0] in ("plan", "drift", "import")])
    assert {o.code for o in failing} == {1}
    emu.clear_faults()
    # a create that fails with the key in its body, and a dropped connection on upload
    emu.fault(method="POST", route="/speech/voice-cloning", status=500, body=echo)
    emu.fault(method="PUT", route="*", transport="reset", times=1)
    applied = repo.run("apply", "--yes", "--report", "report.json", "--debug")
    assert applied.code == 5
    report = (repo.root / "report.json").read_text(encoding="utf-8")
    assert "anna-en" in report
    assert_no_canary(canary, repo, [*failing, applied], capsys.readouterr().err)


def test_github_actions_masks_the_key_and_writes_it_nowhere_else(
    repo: Repo, emu: Emu, canary: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    emu.register_key(canary)
    prepare(repo, emu, canary)
    gh = tmp_path_factory.mktemp("gh")
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(gh / "summary.md"),
        "GITHUB_OUTPUT": str(gh / "output.txt"),
    }
    outcome = repo.run("plan", "--out", "plan.json", env=env)
    assert outcome.code == 0
    assert outcome.err.splitlines()[0] == f"::add-mask::{canary}"
    assert outcome.err.count(canary) == 1
    assert canary not in outcome.out
    for path in (gh / "summary.md", gh / "output.txt", repo.root / "plan.json"):
        assert path.read_text(encoding="utf-8")
        assert canary not in path.read_text(encoding="utf-8")
