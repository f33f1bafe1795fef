"""`plan --base REF`: changes from the pull request vs drift already present on the base,
and `voicectl drift` (0 when the remote matches, 2 when it drifted)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.support.clirig import CHECKOUT, RIG_QUALITY, Emu, Repo, seed_outside
from tests.support.planschema import assert_valid_plan_json

Team = Callable[..., Repo]


def anna_drift(width: int = 7) -> str:
    """anna-en's drift lines; the alias column is as wide as the longest alias listed."""
    return (
        f"  ~ drift     {'anna-en':<{width}}  differs from the declaration: metadata.gender\n"
        '              metadata.gender: declared "male", remote "female"\n'
        "              hint: create a new alias with `replaces: anna-en` or add the field to "
        "`ignore:`\n"
    )


CAROL = "  + create    carol-en  voice_engine_3, 2 files, 4.0 s, 300 credits\n" + RIG_QUALITY


def edit(repo: Repo, rel: str, old: str, new: str) -> None:
    path = repo.root / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def drifted_main(team: Team) -> Repo:
    """anna-en and bob-en applied; then main itself changed anna-en's metadata (drift)."""
    repo = team("acme/voices")
    repo.voice("anna-en", metadata={"gender": "female"})
    repo.voice("bob-en", metadata={"gender": "male"})
    repo.commit("voices")
    assert repo.run("apply", "--yes").code == 0
    edit(repo, "voices/anna-en.yaml", "female", "male")
    repo.commit("an edit that can never be applied")
    return repo


def test_pull_request_changes_and_pre_existing_drift_are_separate_sections(
    team: Team, emu: Emu
) -> None:
    repo = drifted_main(team)
    repo.voice("carol-en")  # the pull request adds a voice
    emu.clear_requests()
    plan = repo.run("plan", "--base", "HEAD", "--detailed-exitcode")
    assert (plan.code, plan.out) == (
        2,
        "Changes from this pull request (1)\n"
        + CAROL
        + "Pre-existing drift (1)\n"
        + anna_drift(8)
        + "Plan: 1 to create (300 credits), 1 drifted, 1 unchanged. "
        "Balance after: 9,100 credits.\n",
    )
    assert {r["method"] for r in emu.requests()} == {"GET"}
    markdown = repo.run("plan", "--base", "HEAD", "--format", "markdown").out
    assert "<summary>Changes from this pull request (1)</summary>" in markdown
    assert "<summary>Pre-existing drift (1)</summary>" in markdown
    assert markdown.index("| `+` | create | carol-en |") < markdown.index("Pre-existing drift")


def test_json_plan_marks_the_origin_of_each_action(team: Team, emu: Emu) -> None:
    repo = drifted_main(team)
    repo.voice("carol-en")
    data = json.loads(repo.run("plan", "--base", "HEAD", "--format", "json").out)
    assert_valid_plan_json(data)
    assert data["base_compared"] is True
    assert data["git"]["base"] == repo.git("rev-parse", "HEAD")
    origins = {a["alias"]: (a["action"], a["origin"]) for a in data["actions"]}
    assert origins == {
        "anna-en": ("drift", "existing"),
        "bob-en": ("noop", "existing"),
        "carol-en": ("create", "pr"),
    }


def test_drift_on_an_alias_the_pull_request_edits_blocks_it(team: Team, emu: Emu) -> None:
    repo = drifted_main(team)
    edit(repo, "voices/bob-en.yaml", "male", "female")  # the PR edits an existing voice
    plan = repo.run("plan", "--base", "HEAD")
    assert plan.code == 4
    assert plan.out.splitlines()[:3] == [
        "Changes from this pull request (1)",
        "  ! blocked   bob-en   would drift: differs from the declaration: metadata.gender",
        "              blocked: immutable field changed: use a new alias with replaces:",
    ]
    assert "Pre-existing drift (1)\n" + anna_drift() in plan.out
    # without --base the same tree is plain drift, which never blocks
    assert repo.run("plan", "--detailed-exitcode").code == 0


def test_pre_existing_drift_alone_does_not_fail_the_pull_request(team: Team, emu: Emu) -> None:
    repo = drifted_main(team)
    repo.write("README.md", "docs only\n")
    plan = repo.run("plan", "--base", "HEAD", "--detailed-exitcode")
    assert (plan.code, plan.out) == (
        0,
        "Changes from this pull request (0)\n"
        "    none\n"
        "Pre-existing drift (1)\n" + anna_drift() + "No changes. 1 voice up to date; 1 drifted.\n",
    )


def test_drift_exits_0_when_the_remote_matches_and_2_when_it_drifted(team: Team, emu: Emu) -> None:
    repo = team("acme/voices")
    repo.voice("anna-en", metadata={"gender": "female"})
    repo.voice("bob-en")
    assert repo.run("apply", "--yes").code == 0
    clean = repo.run("drift")
    assert (clean.code, clean.out) == (0, "No drift: 2 voices match their declarations.\n")
    edit(repo, "voices/anna-en.yaml", "female", "male")
    drifted = repo.run("drift")
    assert drifted.code == 2
    assert drifted.out == (anna_drift() + "Drift: 1 differs from its declaration; 1 up to date.\n")
    as_json = repo.run("drift", "--format", "json")
    assert (as_json.code, json.loads(as_json.out)["exit_reason"]) == (2, "drift")
    assert as_json.err.splitlines()[-1] == "Drift: 1 differs from its declaration; 1 up to date."
    summary = repo.root / "summary.md"
    in_actions = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    assert repo.run("drift", env=in_actions).code == 2
    assert summary.read_text(encoding="utf-8").splitlines()[0] == (
        "**Drift: 1 differs from its declaration; 1 up to date.**"
    )
    assert {r["method"] for r in emu.requests() if r["method"] != "GET"} <= {"POST", "PUT"}


def test_drift_reports_failed_and_missing_voices_but_not_adoptions(team: Team, emu: Emu) -> None:
    repo = team("acme/voices")
    repo.voice("adopt-en")
    repo.voice("broken-en")
    repo.voice("ours-en")  # a stamped voice: this server keeps voicectl's stamp
    assert repo.run("apply", "--yes", "--only", "ours-en").code == 0
    seed_outside(emu, repo, "adopt-en")
    seed_outside(emu, repo, "broken-en", status="failed", failReason="too noisy")
    outcome = repo.run("drift", "--format", "json")
    assert outcome.code == 2
    actions = {a["alias"]: a["action"] for a in json.loads(outcome.out)["actions"]}
    assert actions == {"broken-en": "failed", "ours-en": "noop"}


def test_re_recording_a_voice_in_a_pull_request_is_blocked_drift(team: Team, emu: Emu) -> None:
    """The base plan must see the audio as it was at the base (read from git), so the new
    recording is this PR's change, not pre-existing drift."""
    repo = team("acme/voices")
    repo.voice("anna-en")
    repo.commit("voices")
    assert repo.run("apply", "--yes").code == 0
    repo.wav("voices/audio/anna-en/take-01.wav", seconds=3.0)  # the PR replaces a take
    plan = repo.run("plan", "--base", "HEAD")
    assert plan.code == 4
    assert plan.out.splitlines()[:3] == [
        "Changes from this pull request (1)",
        "  ! blocked   anna-en  would drift: differs from the declaration: files",
        "              blocked: immutable field changed: use a new alias with replaces:",
    ]
    assert "Pre-existing drift (0)\n" in plan.out
    assert (
        sorted(p.name for p in (repo.root / ".voicectl").iterdir() if p.name.startswith("base-"))
        == []
    )


def test_a_project_in_a_subfolder_of_the_git_repository_reads_its_base(
    tmp_path: Path, emu: Emu
) -> None:
    outer = tmp_path / "monorepo"
    outer.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=outer, check=True)
    (outer / "README.md").write_text("other things\n", encoding="utf-8")
    shutil.copytree(CHECKOUT / "schemas", outer / "speech" / "schemas")
    (outer / "speech" / "voicectl.yaml").write_text("owner: acme/speech\n", encoding="utf-8")
    repo = Repo((outer / "speech").resolve(), env=emu.env())
    repo.voice("anna-en", extra="protect: true\n")
    repo.voice("bob-en")
    repo.commit("voices")
    assert repo.run("apply", "--yes").code == 0
    repo.git("rm", "-rq", "voices/anna-en.yaml", "voices/audio/anna-en")
    repo.voice("carl-en")
    plan = repo.run("plan", "--base", "HEAD", "--changed")
    assert plan.code == 4
    assert plan.out.splitlines()[:4] == [
        "Changes from this pull request (2)",
        "  ! blocked   anna-en  would orphan: no longer declared; the API cannot delete it, "
        "so nothing happens",
        "              blocked: protected voice anna-en: its declaration was deleted "
        "(protect: true)",
        "              hint: to retire anna-en on purpose, first merge a change that removes "
        "`protect: true` from it, then delete its declaration in a second pull request",
    ]
    assert "  + create    carl-en  voice_engine_3, 2 files, 4.0 s, 300 credits" in plan.out
    assert "bob-en" not in plan.out  # unchanged, so not selected by --changed
