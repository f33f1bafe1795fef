"""Selectors (`--only`, `--changed`) and targets (`--target`, `targets:` in voicectl.yaml):
a selector matching nothing is an error, and each target keeps its own key and budget."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.clirig import RIG_QUALITY, Emu, Repo

Team = Callable[..., Repo]


@pytest.mark.parametrize("command", ["plan", "drift", "apply"])
def test_only_matching_no_alias_fails_for_every_command(team: Team, emu: Emu, command: str) -> None:
    repo = team("acme/voices")
    repo.voice("anna-en")
    extra = ("--yes",) if command == "apply" else ()
    outcome = repo.run(command, "--only", "bob-*", *extra)
    assert (outcome.code, outcome.out) == (1, "")
    assert outcome.err.splitlines()[-1] == "error: --only 'bob-*' matches no declared alias"
    assert not [r for r in emu.requests() if r["method"] != "GET"]


def test_only_limits_the_plan_and_hides_everything_else(team: Team, emu: Emu) -> None:
    repo = team("acme/voices")
    repo.voice("anna-en")
    repo.voice("bob-en")
    repo.voice("bella-en")
    assert repo.run("apply", "--yes", "--only", "anna-en").code == 0
    (repo.root / "voices" / "anna-en.yaml").unlink()  # an orphan, outside the selection
    outcome = repo.run("plan", "--only", "b*", "--detailed-exitcode")
    assert (outcome.code, outcome.out) == (
        2,
        "  + create    bella-en  voice_engine_3, 2 files, 4.0 s, 300 credits\n"
        + RIG_QUALITY
        + "  + create    bob-en    voice_engine_3, 2 files, 4.0 s, 300 credits\n"
        + RIG_QUALITY
        + "Plan: 2 to create (600 credits), 0 unchanged. Balance after: 9,100 credits.\n",
    )


def test_changed_without_base_fails(team: Team, emu: Emu) -> None:
    repo = team("acme/voices")
    repo.voice("anna-en")
    outcome = repo.run("plan", "--changed")
    assert (outcome.code, outcome.err.splitlines()[-1]) == (
        1,
        "error: --changed needs --base REF to compare against",
    )


def test_changed_matching_nothing_fails(team: Team, emu: Emu) -> None:
    repo = team("acme/voices")
    repo.voice("anna-en")
    repo.commit("voices")
    outcome = repo.run("plan", "--base", "HEAD", "--changed")
    assert (outcome.code, outcome.err.splitlines()[-1]) == (
        1,
        "error: --changed: no declaration changed against HEAD",
    )


def test_changed_plans_only_the_declarations_the_branch_touched(team: Team, emu: Emu) -> None:
    repo = team("acme/voices")
    repo.voice("anna-en")
    repo.commit("voices")
    repo.voice("bob-en")
    outcome = repo.run("plan", "--base", "HEAD", "--changed", "--detailed-exitcode")
    assert (outcome.code, outcome.out) == (
        2,
        "Changes from this pull request (1)\n"
        "  + create    bob-en  voice_engine_3, 2 files, 4.0 s, 300 credits\n"
        + RIG_QUALITY
        + "Pre-existing drift (0)\n"
        "    none\n"
        "Plan: 1 to create (300 credits), 0 unchanged. Balance after: 9,700 credits.\n",
    )


def test_unknown_base_ref_fails_with_one_line(team: Team, emu: Emu) -> None:
    repo = team("acme/voices")
    repo.voice("anna-en")
    repo.commit("voices")
    outcome = repo.run("plan", "--base", "no-such-branch")
    assert outcome.code == 1
    assert outcome.err.splitlines()[-1] == "error: unknown git ref 'no-such-branch' (not fetched?)"
    assert emu.requests() == []


TARGETS = """targets:
  staging:
    api_url: {url}
    api_key_env: AUDIOSTACK_STAGING_KEY
    max_credits: 300
  prod:
    api_url: {url}
    api_key_env: AUDIOSTACK_PROD_KEY
    max_credits: 1000
"""


def two_targets(team: Team, emu: Emu) -> Repo:
    emu.register_key("staging-key-0001", org="org-staging", user="user-staging")
    emu.register_key("prod-key-0001", org="org-prod", user="user-prod")
    repo = team("acme/voices", config=TARGETS.format(url=emu.base_url))
    repo.env = {
        "AUDIOSTACK_STAGING_KEY": "staging-key-0001",
        "AUDIOSTACK_PROD_KEY": "prod-key-0001",
    }
    repo.voice("one-en")
    repo.voice("two-en")
    repo.voice("prod-only", extra="targets: [prod]\n")
    return repo


def test_two_targets_have_separate_keys_and_budgets(team: Team, emu: Emu) -> None:
    repo = two_targets(team, emu)
    staging = repo.run("plan", "--target", "staging")
    assert (staging.code, staging.err) == (4, f"target: staging ({emu.base_url})\n")
    assert staging.out.endswith(
        "Plan blocked: 2 blocked (600 credits), 0 unchanged. Blocked: cost 600 credits "
        "exceeds max credits 300. Nothing will be written.\n"
    )
    prod = repo.run("plan", "--target", "prod", "--detailed-exitcode")
    assert (prod.code, prod.err) == (2, f"target: prod ({emu.base_url})\n")
    assert prod.out.endswith(
        "Plan: 3 to create (900 credits), 0 unchanged. Balance after: 9,100 credits.\n"
    )
    assert repo.run("apply", "--yes", "--target", "prod").code == 0
    orgs = {c["alias"]: c["orgId"] for c in emu.clones()}
    assert orgs == {"one-en": "org-prod", "two-en": "org-prod", "prod-only": "org-prod"}
    again = repo.run("plan", "--target", "prod", "--detailed-exitcode")
    assert (again.code, again.out) == (0, "No changes. 3 voices up to date.\n")
    # staging is another organisation: still nothing there, still over its own budget
    assert repo.run("plan", "--target", "staging").code == 4
    assert repo.run("plan", "--target", "staging", "--max-credits", "600").code == 0


def test_a_saved_plan_is_applied_to_the_target_it_was_made_for(team: Team, emu: Emu) -> None:
    repo = two_targets(team, emu)
    assert repo.run("plan", "--target", "prod", "--out", "plan-prod.json").code == 0
    applied = repo.run("apply", "plan-prod.json")  # no --target: the plan names it
    assert applied.code == 0, applied.err
    assert applied.err.startswith(f"target: prod ({emu.base_url})\n")
    assert {c["orgId"] for c in emu.clones()} == {"org-prod"}


def test_several_targets_need_an_explicit_target(team: Team, emu: Emu) -> None:
    repo = two_targets(team, emu)
    outcome = repo.run("plan")
    assert (outcome.code, outcome.out) == (1, "")
    assert outcome.err == (
        "error: voicectl.yaml declares several targets (prod, staging): use --target\n"
    )
    unknown = repo.run("plan", "--target", "qa")
    assert unknown.err == "error: unknown target 'qa' (voicectl.yaml targets: prod, staging)\n"
    assert emu.requests() == []


def test_a_target_without_its_key_is_an_error_naming_the_variable(team: Team, emu: Emu) -> None:
    repo = two_targets(team, emu)
    outcome = repo.run("plan", "--target", "staging", env={"AUDIOSTACK_STAGING_KEY": ""})
    assert (outcome.code, outcome.out, outcome.err) == (
        1,
        "",
        "error: target staging needs its key: set AUDIOSTACK_STAGING_KEY (or use --api emulator)\n",
    )
    assert emu.requests() == []
    forced = repo.run(
        "plan", "--target", "staging", "--api", "emulator", env={"AUDIOSTACK_STAGING_KEY": ""}
    )
    assert (forced.code, forced.err) == (4, "target: staging on the emulator\n")


def test_a_target_may_be_the_embedded_emulator(team: Team, emu: Emu) -> None:
    repo = team("acme/voices", config="targets:\n  local:\n    api_url: emulator\n")
    repo.voice("anna-en")
    outcome = repo.run("plan", "--detailed-exitcode")
    assert (outcome.code, outcome.err) == (2, "target: local on the emulator\n")
    assert (repo.root / ".voicectl" / "emulator.sqlite3").is_file()
    assert emu.requests() == []
