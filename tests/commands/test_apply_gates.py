"""P4 and P7 at CLI level: an over-budget apply is blocked in full (exit 4); without a TTY,
apply needs --yes or a plan file (exit 1); on a TTY only `yes` confirms."""

from __future__ import annotations

import io

from tests.support.applyclirig import CLONES, one_record_per_alias, writes
from tests.support.clirig import RIG_QUALITY, Emu, Repo

PLAN = (
    "  + create    anna-en  voice_engine_3, 2 files, 4.0 s, 300 credits\n"
    + RIG_QUALITY
    + "  + create    bob-en   voice_engine_3, 2 files, 4.0 s, 300 credits\n"
    + RIG_QUALITY
    + "Plan: 2 to create (600 credits), 0 unchanged. Balance after: 9,400 credits.\n"
)
PROMPT = "Apply these changes? Only 'yes' is accepted: "


class FakeTty(io.StringIO):
    """Standard input that claims to be a terminal, holding the user's answer."""

    def isatty(self) -> bool:
        return True


def two_voices(repo: Repo) -> None:
    repo.voice("anna-en")
    repo.voice("bob-en")


def test_an_over_budget_apply_is_blocked_in_full_and_sends_no_write(repo: Repo, emu: Emu) -> None:
    two_voices(repo)
    blocked = repo.run("apply", "--yes", "--max-credits", "100")
    reason = "blocked: over budget: cost 600 credits exceeds max credits 100"
    assert (blocked.code, blocked.out) == (
        4,
        "  ! blocked   anna-en  would create: voice_engine_3, 2 files, 4.0 s, 300 credits\n"
        f"              {reason}\n"
        + RIG_QUALITY
        + "  ! blocked   bob-en   would create: voice_engine_3, 2 files, 4.0 s, 300 credits\n"
        f"              {reason}\n"
        + RIG_QUALITY
        + "Plan blocked: 2 blocked (600 credits), 0 unchanged. "
        "Blocked: cost 600 credits exceeds max credits 100. Nothing will be written.\n",
    )
    assert blocked.err == f"target: default ({emu.base_url})\nBlocked: nothing was written.\n"
    assert [r for r in emu.requests() if r["method"] == "POST"] == []
    assert writes(emu) == []
    assert emu.state()["credits"] == {"org-default": 10_000}


def test_without_a_tty_apply_needs_yes_and_writes_nothing(repo: Repo, emu: Emu) -> None:
    two_voices(repo)
    refused = repo.run("apply", stdin=io.StringIO(""))
    assert (refused.code, refused.out) == (1, PLAN)
    assert " ".join(refused.err.split()) == (
        f"target: default ({emu.base_url}) error: apply needs a confirmation: pass --yes, "
        "or apply a reviewed plan (voicectl plan --out plan.json, then voicectl apply plan.json)"
    )
    assert {r["method"] for r in emu.requests()} == {"GET"}


def test_on_a_tty_answering_yes_applies(repo: Repo, emu: Emu) -> None:
    two_voices(repo)
    applied = repo.run("apply", stdin=FakeTty("yes\n"))
    assert applied.code == 0, applied.text
    assert applied.out.startswith(PLAN)
    assert applied.out.endswith("Converged.\n")
    assert applied.err.startswith(f"target: default ({emu.base_url})\n{PROMPT}")
    assert writes(emu).count(("POST", CLONES)) == 2
    one_record_per_alias(emu, ["anna-en", "bob-en"])


def test_on_a_tty_any_other_answer_cancels_and_writes_nothing(repo: Repo, emu: Emu) -> None:
    two_voices(repo)
    for answer in ("no\n", "y\n", "YES\n", ""):
        cancelled = repo.run("apply", stdin=FakeTty(answer))
        assert (cancelled.code, cancelled.out) == (1, PLAN), answer
        assert cancelled.err == (
            f"target: default ({emu.base_url})\n{PROMPT}Apply cancelled: nothing was written.\n"
        )
    assert {r["method"] for r in emu.requests()} == {"GET"}
    assert emu.clones() == []
