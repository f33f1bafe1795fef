"""P2/P3 at CLI level: `voicectl apply plan.json` applies exactly a reviewed plan and refuses
(exit 3, nothing written, both action lists shown) when a fresh plan differs; the same for
`--expect-checksum`."""

from __future__ import annotations

import json

from tests.support.applyclirig import CLONES, one_record_per_alias, writes
from tests.support.clirig import Emu, Repo, seed_outside, write_wav

STALE = "error: the saved plan is stale: a fresh plan differs, so nothing was written"
HINT = "hint: run `voicectl plan --out plan.json` again, review it, and apply the new file"


def flat(text: str) -> str:
    """The text with every run of whitespace as one space (the console wraps long lines)."""
    return " ".join(text.split())


def saved_checksum(repo: Repo, name: str = "p.json") -> str:
    return str(json.loads((repo.root / name).read_text(encoding="utf-8"))["checksum"])


def two_voices_planned(repo: Repo, emu: Emu) -> str:
    """anna-en and bob-en declared, `plan --out p.json` against the empty remote."""
    repo.voice("anna-en")
    repo.voice("bob-en")
    repo.commit("two voices")
    planned = repo.run("plan", "--out", "p.json")
    assert planned.code == 0, planned.text
    assert {r["method"] for r in emu.requests()} == {"GET"}
    return saved_checksum(repo)


def test_a_saved_plan_applies_and_converges(repo: Repo, emu: Emu) -> None:
    two_voices_planned(repo, emu)
    applied = repo.run("apply", "p.json")
    assert applied.code == 0, applied.text
    assert applied.out.endswith("Converged.\n")
    assert writes(emu).count(("POST", CLONES)) == 2
    one_record_per_alias(emu, ["anna-en", "bob-en"])


def test_the_same_saved_plan_applied_twice_is_stale_and_creates_nothing(
    repo: Repo, emu: Emu
) -> None:
    """Terraform #24078: a plan made against an empty remote must not apply twice."""
    checksum = two_voices_planned(repo, emu)
    assert repo.run("apply", "p.json").code == 0
    fresh = json.loads(repo.run("plan", "--format", "json").out)["checksum"]
    emu.clear_requests()
    again = repo.run("apply", "p.json")
    assert (again.code, again.out) == (3, "")
    assert flat(again.err) == flat(
        f"target: default ({emu.base_url})\n"
        f"{STALE}\n"
        f"  saved plan {checksum} (p.json):\n"
        "    create anna-en (voice_engine_3, 300 credits)\n"
        "    create bob-en (voice_engine_3, 300 credits)\n"
        f"  fresh plan {fresh}:\n"
        "    (no writes)\n"
        f"  {HINT}\n"
    )
    assert {r["method"] for r in emu.requests()} == {"GET"}
    one_record_per_alias(emu, ["anna-en", "bob-en"])


def test_a_remote_change_after_the_plan_makes_it_stale_with_both_action_lists(
    repo: Repo, emu: Emu
) -> None:
    checksum = two_voices_planned(repo, emu)
    seed_outside(emu, repo, "anna-en")  # someone made anna-en in the UI meanwhile
    fresh = json.loads(repo.run("plan", "--format", "json").out)["checksum"]
    emu.clear_requests()
    stale = repo.run("apply", "p.json")
    assert (stale.code, stale.out) == (3, "")
    assert flat(stale.err) == flat(
        f"target: default ({emu.base_url})\n"
        f"{STALE}\n"
        f"  saved plan {checksum} (p.json):\n"
        "    create anna-en (voice_engine_3, 300 credits)\n"
        "    create bob-en (voice_engine_3, 300 credits)\n"
        f"  fresh plan {fresh}:\n"
        "    create bob-en (voice_engine_3, 300 credits)\n"
        f"  {HINT}\n"
    )
    assert {r["method"] for r in emu.requests()} == {"GET"}
    assert [c["alias"] for c in emu.clones()] == ["anna-en"]


def test_a_clone_seeded_out_of_band_after_the_plan_makes_it_stale(repo: Repo, emu: Emu) -> None:
    two_voices_planned(repo, emu)
    emu.seed_clone(alias="bob-en", status="succeeded", metadata={"languageCode": "en-GB"})
    emu.clear_requests()
    stale = repo.run("apply", "p.json")
    assert stale.code == 3
    assert STALE in flat(stale.err)
    assert writes(emu) == []
    assert [c["alias"] for c in emu.clones()] == ["bob-en"]


def test_a_voice_with_unrelated_metadata_seeded_after_the_plan_is_drift_not_a_crash(
    repo: Repo, emu: Emu
) -> None:
    two_voices_planned(repo, emu)
    emu.seed_clone(alias="bob-en", status="succeeded", metadata={"source": "ui"})
    stale = repo.run("apply", "p.json")
    assert "internal error" not in stale.err
    assert stale.code == 3
    assert writes(emu) == []


def test_a_local_audio_change_after_the_plan_makes_it_stale(repo: Repo, emu: Emu) -> None:
    two_voices_planned(repo, emu)
    write_wav(repo.root / "voices/audio/bob-en/take-01.wav", 2.0, seed=4242)
    stale = repo.run("apply", "p.json")
    assert stale.code == 3
    assert STALE in flat(stale.err)
    assert writes(emu) == []
    assert emu.state()["files"] == []


def test_a_wrong_expected_checksum_is_refused_and_the_right_one_applies(
    repo: Repo, emu: Emu
) -> None:
    repo.voice("anna-en")
    wrong = "sha256:" + "0" * 64
    refused = repo.run("apply", "--expect-checksum", wrong)
    assert refused.code == 3
    assert STALE in flat(refused.err)
    assert writes(emu) == []
    planned = json.loads(repo.run("plan", "--format", "json").out)
    applied = repo.run("apply", "--expect-checksum", planned["checksum"])
    assert applied.code == 0, applied.text
    assert applied.out.endswith("Converged.\n")
    assert writes(emu).count(("POST", CLONES)) == 1
    one_record_per_alias(emu, ["anna-en"])


def test_a_relative_plan_file_is_found_from_the_working_directory(repo: Repo, emu: Emu) -> None:
    """`plan --out` and `apply PLAN.json` resolve the same relative path the same way."""
    repo.voice("anna-en")
    (repo.root / "plans").mkdir()
    assert repo.run("plan", "--out", "plans/p.json").code == 0
    applied = repo.run("apply", "plans/p.json", "--report", "plans/r.json")
    assert applied.code == 0, applied.text
    assert applied.err.endswith("wrote report to plans/r.json\n")
    report = json.loads((repo.root / "plans/r.json").read_text(encoding="utf-8"))
    assert [(v["alias"], v["result"]) for v in report["voices"]] == [("anna-en", "succeeded")]
