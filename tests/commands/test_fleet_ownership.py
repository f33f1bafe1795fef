"""Ownership on a shared organisation: orphans are reported and never deleted, another
team's voice is never adopted silently, `protect: true` blocks a deletion in a pull
request, and `replaces:` creates the new alias while the old one becomes an orphan."""

from __future__ import annotations

import shutil
from collections.abc import Callable

from tests.support.clirig import RIG_QUALITY, Emu, Repo

Team = Callable[..., Repo]


def orphan(alias: str, width: int) -> str:
    """The orphan line; the alias column is as wide as the longest alias listed."""
    reason = "no longer declared; the API cannot delete it, so nothing happens"
    return f"  - orphan    {alias:<{width}}  {reason}\n"


def writes(emu: Emu) -> list[tuple[str, str]]:
    return [(r["method"], r["route"]) for r in emu.requests() if r["method"] != "GET"]


def test_deleting_a_declaration_orphans_the_voice_and_deletes_nothing(team: Team, emu: Emu) -> None:
    repo = team("acme/voices")
    repo.voice("anna-en")
    repo.voice("bob-en")
    assert repo.run("apply", "--yes").code == 0
    (repo.root / "voices" / "bob-en.yaml").unlink()
    shutil.rmtree(repo.root / "voices" / "audio" / "bob-en")
    emu.clear_requests()
    plan = repo.run("plan", "--detailed-exitcode", "--format", "text")
    assert (plan.code, plan.out) == (
        0,
        orphan("bob-en", 6) + "No changes. 1 voice up to date; 1 orphaned.\n",
    )
    applied = repo.run("apply", "--yes")
    assert applied.code == 0
    assert writes(emu) == []  # P8: no DELETE, no PATCH, no POST
    assert [c["status"] for c in emu.clones("bob-en")] == ["succeeded"]
    drift = repo.run("drift")
    assert drift.code == 2
    # an orphan is not a voice that differs: it is named for what it is
    assert drift.out.splitlines()[-1] == "Drift: 1 orphaned (no longer declared); 1 up to date."


def test_a_voice_of_another_team_is_blocked_without_adopt_force(team: Team, emu: Emu) -> None:
    other = team("acme/other")
    other.voice("anna-en")
    assert other.run("apply", "--yes").code == 0
    repo = team("acme/voices")
    shutil.copytree(other.root / "voices", repo.root / "voices", dirs_exist_ok=True)
    emu.clear_requests()
    plan = repo.run("plan")
    assert (plan.code, plan.out) == (
        4,
        "  ! blocked   anna-en  would adopt: stamped by voicectl:acme/other\n"
        "              blocked: stamped by voicectl:acme/other; add `adopt: force` to adopt it\n"
        "Plan blocked: 1 blocked, 0 unchanged. Blocked by policy. Nothing will be written.\n",
    )
    applied = repo.run("apply", "--yes")
    assert (applied.code, applied.err.splitlines()[-1]) == (4, "Blocked: nothing was written.")
    assert writes(emu) == []
    yaml = repo.root / "voices" / "anna-en.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + "adopt: force\n", encoding="utf-8")
    forced = repo.run("plan", "--detailed-exitcode", "--detail", "full")
    assert (forced.code, forced.out) == (
        0,
        "  = adopt     anna-en  stamped by voicectl:acme/other; adopted with `adopt: force`\n"
        "No changes. 0 voices up to date; 1 to adopt.\n",
    )
    # the owner's repository still sees its own voice, unchanged
    assert other.run("plan", "--detailed-exitcode").out == "No changes. 1 voice up to date.\n"


def test_another_teams_voice_that_differs_is_drift_never_adoption(team: Team, emu: Emu) -> None:
    other = team("acme/other")
    other.voice("anna-en")
    assert other.run("apply", "--yes").code == 0
    repo = team("acme/voices")
    repo.voice("anna-en", extra="adopt: force\n")  # same alias, different recordings
    plan = repo.run("plan", "--detailed-exitcode")
    assert plan.code == 0
    assert plan.out.splitlines()[:2] == [
        "  ~ drift     anna-en  differs from the declaration: files",
        "              stamped by voicectl:acme/other",
    ]


def test_protect_blocks_deleting_the_declaration_in_a_pull_request(team: Team, emu: Emu) -> None:
    repo = team("acme/voices")
    repo.voice("anna-en", extra="protect: true\n")
    repo.voice("bob-en")
    repo.commit("voices")
    assert repo.run("apply", "--yes").code == 0
    repo.git("rm", "-rq", "voices/anna-en.yaml", "voices/audio/anna-en")  # the PR
    emu.clear_requests()
    plan = repo.run("plan", "--base", "HEAD", "--detailed-exitcode")
    assert (plan.code, plan.out) == (
        4,
        "Changes from this pull request (1)\n"
        "  ! blocked   anna-en  would orphan: no longer declared; the API cannot delete it, "
        "so nothing happens\n"
        "              blocked: protected voice anna-en: its declaration was deleted "
        "(protect: true)\n"
        "              hint: to retire anna-en on purpose, first merge a change that removes "
        "`protect: true` from it, then delete its declaration in a second pull request\n"
        "Pre-existing drift (0)\n"
        "    none\n"
        "Plan blocked: 1 blocked, 1 unchanged. Blocked by policy. Nothing will be written.\n",
    )
    assert writes(emu) == []
    # the work tree was not touched to read the base
    assert repo.git("status", "--porcelain").splitlines() == [
        "D  voices/anna-en.yaml",
        "D  voices/audio/anna-en/take-00.wav",
        "D  voices/audio/anna-en/take-01.wav",
    ]
    unprotected = team("acme/unprotected")
    unprotected.voice("bob-en")
    unprotected.commit("voices")
    unprotected.git("rm", "-rq", "voices/bob-en.yaml")
    assert unprotected.run("plan", "--base", "HEAD").code == 0


def test_replace_costs_one_create_and_orphans_the_old_alias(team: Team, emu: Emu) -> None:
    repo = team("acme/voices")
    repo.voice("anna-en")
    repo.voice("bob-en")
    assert repo.run("apply", "--yes").code == 0
    (repo.root / "voices" / "bob-en.yaml").unlink()
    repo.voice("bob-en-v2", extra="replaces: bob-en\n")
    plan = repo.run("plan", "--detailed-exitcode")
    assert (plan.code, plan.out) == (
        2,
        orphan("bob-en", 9)
        + "-/+ replace   bob-en-v2  voice_engine_3, 2 files, 4.0 s, 300 credits\n"
        "              replaces bob-en; bob-en becomes an orphan\n"
        + RIG_QUALITY
        + "Plan: 1 to replace (300 credits), 1 orphaned, 1 unchanged. "
        "Balance after: 9,100 credits.\n",
    )
    emu.clear_requests()
    assert repo.run("apply", "--yes").code == 0
    creates = [w for w in writes(emu) if w[1] == "/speech/voice-cloning"]
    assert creates == [("POST", "/speech/voice-cloning")]
    assert not [w for w in writes(emu) if w[0] in ("DELETE", "PATCH")]
    after = repo.run("plan", "--detailed-exitcode")
    assert (after.code, after.out) == (
        0,
        orphan("bob-en", 6) + "No changes. 2 voices up to date; 1 orphaned.\n",
    )


def test_replacing_a_protected_voice_is_blocked(team: Team, emu: Emu) -> None:
    repo = team("acme/voices")
    repo.voice("bob-en", extra="protect: true\n")
    repo.commit("voices")
    assert repo.run("apply", "--yes").code == 0
    repo.git("rm", "-q", "voices/bob-en.yaml")
    repo.voice("bob-en-v2", extra="replaces: bob-en\n")
    plan = repo.run("plan", "--base", "HEAD")
    assert plan.code == 4
    assert "blocked: replaces protected voice bob-en\n" in plan.out


def test_without_owner_a_local_run_and_ci_stamp_the_same_owner(
    new_repo: Callable[..., Repo], emu: Emu
) -> None:
    """No `owner:`: the `origin` remote names the repository locally, as GITHUB_REPOSITORY
    does in CI, so voices made on a laptop are ours in the workflow (and back)."""
    repo = new_repo(owner=None)
    repo.git("remote", "add", "origin", "git@github.com:acme/voices.git")
    repo.voice("anna-en")
    repo.commit("voices")
    assert repo.run("apply", "--yes").code == 0  # locally: no GITHUB_REPOSITORY
    [record] = [c for c in emu.state()["clones"] if c["alias"] == "anna-en"]
    assert record["metadata"]["managed_by"] == "voicectl:acme/voices"
    ci = {"GITHUB_REPOSITORY": "acme/voices", "CI": "true"}
    plan = repo.run("plan", env=ci)
    assert (plan.code, plan.out) == (0, "No changes. 1 voice up to date.\n")
    repo.git("remote", "set-url", "origin", "https://github.com/acme/voices")
    assert repo.run("plan").out == "No changes. 1 voice up to date.\n"
