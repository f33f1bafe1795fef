"""I1 at CLI level: after `voicectl apply --yes`, a plan shows no changes and a second apply
reads the remote (GET only) and writes nothing."""

from __future__ import annotations

from tests.support.applyclirig import CLONES, one_record_per_alias, writes
from tests.support.clirig import RIG_QUALITY, Emu, Repo


def test_apply_then_plan_shows_no_changes_and_exits_0_with_detailed_exitcode(
    repo: Repo, emu: Emu
) -> None:
    repo.voice("anna-en")
    repo.voice("bob-en")
    repo.commit("two voices")
    applied = repo.run("apply", "--yes")
    assert applied.code == 0, applied.text
    assert applied.out.endswith("Converged.\n")
    assert writes(emu).count(("POST", CLONES)) == 2
    one_record_per_alias(emu, ["anna-en", "bob-en"])
    emu.clear_requests()
    planned = repo.run("plan", "--detailed-exitcode")
    assert (planned.code, planned.out) == (0, "No changes. 2 voices up to date.\n")
    assert {r["method"] for r in emu.requests()} == {"GET"}


def test_a_second_apply_sends_only_gets_and_prints_nothing_to_apply(repo: Repo, emu: Emu) -> None:
    repo.voice("anna-en")
    repo.voice("bob-en", files=3)
    assert repo.run("apply", "--yes").code == 0
    balance = emu.state()["credits"]
    emu.clear_requests()
    again = repo.run("apply", "--yes")
    assert (again.code, again.out) == (0, "No changes. 2 voices up to date.\n")
    assert again.err == f"target: default ({emu.base_url})\nNothing to apply.\n"
    sent = emu.requests()
    assert sent, "the second apply must read the remote"
    assert {r["method"] for r in sent} == {"GET"}
    assert emu.state()["credits"] == balance == {"org-default": 10_000 - 600}
    one_record_per_alias(emu, ["anna-en", "bob-en"])


def test_a_new_declaration_after_an_apply_creates_only_that_voice(repo: Repo, emu: Emu) -> None:
    repo.voice("anna-en")
    assert repo.run("apply", "--yes").code == 0
    repo.voice("bob-en")
    emu.clear_requests()
    applied = repo.run("apply", "--yes")
    assert applied.code == 0, applied.text
    assert applied.out.startswith(
        "  + create    bob-en  voice_engine_3, 2 files, 4.0 s, 300 credits\n"
        + RIG_QUALITY
        + "Plan: 1 to create (300 credits), 1 unchanged."
    )
    # bob's two files are uploaded (POST /files + PUT each), anna's are not sent again
    sent = writes(emu)
    assert sent.count(("POST", "/files")) == 2
    assert sum(method == "PUT" for method, _ in sent) == 2
    assert sent.count(("POST", CLONES)) == 1
    assert len(sent) == 5
    one_record_per_alias(emu, ["anna-en", "bob-en"])
