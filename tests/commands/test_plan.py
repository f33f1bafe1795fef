"""`voicectl plan` end to end against the served emulator: every exit code, every output
format, the saved plan file, and P1 (plan sends only GETs)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.support.clirig import RIG_QUALITY, Emu, Repo, seed_outside
from tests.support.planschema import assert_valid_plan_json

ANNA = "  + create    anna-en  voice_engine_3, 2 files, 4.0 s, 300 credits\n" + RIG_QUALITY
BOB = "  + create    bob-en   voice_engine_3, 2 files, 4.0 s, 300 credits\n" + RIG_QUALITY


def banner(emu: Emu) -> str:
    return f"target: default ({emu.base_url})\n"


def test_plan_exits_0_when_the_remote_matches_even_with_detailed_exitcode(
    repo: Repo, emu: Emu
) -> None:
    repo.voice("anna-en")
    repo.voice("bob-en")
    assert repo.run("apply", "--yes").code == 0
    outcome = repo.run("plan", "--detailed-exitcode")
    assert (outcome.code, outcome.out, outcome.err) == (
        0,
        "No changes. 2 voices up to date.\n",
        banner(emu),
    )


def test_plan_with_only_adoptions_exits_0_and_lists_them_with_detail_full(
    repo: Repo, emu: Emu
) -> None:
    repo.voice("anna-en", metadata={"gender": "female"})
    repo.voice("ours-en")  # a stamped voice: this server keeps voicectl's stamp
    assert repo.run("apply", "--yes", "--only", "ours-en").code == 0
    seed_outside(emu, repo, "anna-en", metadata={"gender": "female"})
    outcome = repo.run("plan", "--detailed-exitcode")
    assert (outcome.code, outcome.out) == (0, "No changes. 1 voice up to date; 1 to adopt.\n")
    full = repo.run("plan", "--detailed-exitcode", "--detail", "full")
    assert full.code == 0
    assert full.out == (
        "  = adopt     anna-en  matches the declaration; not stamped by voicectl\n"
        "  · noop      ours-en  up to date\n"
        "No changes. 1 voice up to date; 1 to adopt.\n"
    )


def test_plan_with_a_create_exits_2_only_with_detailed_exitcode(repo: Repo, emu: Emu) -> None:
    repo.voice("anna-en")
    repo.voice("bob-en")
    expected = (
        ANNA
        + BOB
        + ("Plan: 2 to create (600 credits), 0 unchanged. Balance after: 9,400 credits.\n")
    )
    plain = repo.run("plan")
    assert (plain.code, plain.out, plain.err) == (0, expected, banner(emu))
    detailed = repo.run("plan", "--detailed-exitcode")
    assert (detailed.code, detailed.out) == (2, expected)


def test_invalid_yaml_exits_1_with_file_line_col_before_any_request(repo: Repo, emu: Emu) -> None:
    repo.voice("anna-en")
    repo.write(
        "voices/bad.yaml", "version: 1\nalias: bad-one\nengine: [voice_engine_3\nlanguage: en\n"
    )
    outcome = repo.run("plan", "--detailed-exitcode")
    assert (outcome.code, outcome.out) == (1, "")
    assert outcome.err == banner(emu) + (
        "voices/bad.yaml:4:9: error: invalid YAML: did not find expected ',' or ']'\n"
        "1 error, 0 warnings\n"
    )
    assert emu.requests() == []


def test_unknown_target_exits_1(repo: Repo, emu: Emu) -> None:
    repo.voice("anna-en")
    outcome = repo.run("plan", "--target", "nope")
    assert (outcome.code, outcome.out, outcome.err) == (
        1,
        "",
        "error: unknown target 'nope' (voicectl.yaml targets: none declared)\n",
    )
    assert emu.requests() == []


def test_only_glob_matching_no_alias_exits_1(repo: Repo, emu: Emu) -> None:
    repo.voice("anna-en")
    outcome = repo.run("plan", "--only", "anna-en", "--only", "zz*")
    assert (outcome.code, outcome.out) == (1, "")
    assert outcome.err == banner(emu) + "error: --only 'zz*' matches no declared alias\n"


def test_over_max_credits_renders_everything_blocked_and_exits_4(repo: Repo, emu: Emu) -> None:
    repo.voice("anna-en")
    repo.voice("bob-en")
    outcome = repo.run("plan", "--max-credits", "300", "--detailed-exitcode")
    reason = "              blocked: over budget: cost 600 credits exceeds max credits 300\n"
    assert (outcome.code, outcome.err) == (4, banner(emu))
    assert outcome.out == (
        "  ! blocked   anna-en  would create: voice_engine_3, 2 files, 4.0 s, 300 credits\n"
        + reason
        + RIG_QUALITY
        + "  ! blocked   bob-en   would create: voice_engine_3, 2 files, 4.0 s, 300 credits\n"
        + reason
        + RIG_QUALITY
        + "Plan blocked: 2 blocked (600 credits), 0 unchanged. Blocked: cost 600 credits "
        "exceeds max credits 300. Nothing will be written.\n"
    )
    data = json.loads(repo.run("plan", "--max-credits", "300", "--format", "json").out)
    assert_valid_plan_json(data)
    assert (data["exit_reason"], data["credits"]["cost"], data["credits"]["max"]) == (
        "blocked",
        600,
        300,
    )
    assert [(a["action"], a["intended"]) for a in data["actions"]] == [("blocked", "create")] * 2


def test_max_credits_from_voicectl_yaml_blocks_too(new_repo, emu: Emu) -> None:  # type: ignore[no-untyped-def]
    repo = new_repo(config="max_credits: 299\n")
    repo.voice("anna-en")
    outcome = repo.run("plan")
    assert outcome.code == 4
    assert outcome.out.endswith(
        "Plan blocked: 1 blocked (300 credits), 0 unchanged. Blocked: cost 300 credits "
        "exceeds max credits 299. Nothing will be written.\n"
    )
    assert repo.run("plan", "--max-credits", "300").code == 0  # the flag wins


def test_over_the_remaining_balance_exits_4(repo: Repo, emu: Emu) -> None:
    repo.voice("anna-en")
    repo.voice("bob-en")
    emu.set_credits(400)
    outcome = repo.run("plan")
    assert outcome.code == 4
    assert outcome.out.count("! blocked") == 2
    assert outcome.out.endswith(
        "Plan blocked: 2 blocked (600 credits), 0 unchanged. Blocked: cost 600 credits "
        "exceeds the 400 credits remaining. Nothing will be written.\n"
    )
    assert emu.methods() == {"GET"}


def test_json_format_is_pure_json_matching_the_schema(repo: Repo, emu: Emu) -> None:
    repo.voice("anna-en", metadata={"gender": "female"})
    repo.commit("first voice")
    outcome = repo.run("plan", "--format", "json", "--detailed-exitcode")
    assert (outcome.code, outcome.err) == (2, banner(emu))
    data = json.loads(outcome.out)
    assert_valid_plan_json(data)
    assert data["target"] == {"name": "default", "api_url": emu.base_url}
    assert data["git"]["head"] == repo.git("rev-parse", "HEAD")
    assert data["owner"] == "acme/voices"
    assert data["credits"] == {
        "cost": 300,
        "remaining": 10_000,
        "max": None,
        "balance_after": 9_700,
        "reserved": 0,
    }
    (action,) = data["actions"]
    assert (action["action"], action["alias"], action["origin"]) == ("create", "anna-en", "pr")
    assert action["source"] == {"path": "voices/anna-en.yaml", "line": 3}
    assert [f["path"] for f in action["files"]] == [
        "voices/audio/anna-en/take-00.wav",
        "voices/audio/anna-en/take-01.wav",
    ]
    stamp = action["metadata"].pop("voicectl_files")  # the content fingerprint of the files
    assert re.fullmatch(r"v1:[0-9a-f]{32}", stamp), stamp
    assert action["metadata"] == {
        "gender": "female",
        "languageCode": "en-GB",
        "managed_by": "voicectl:acme/voices",
    }


def test_out_writes_the_plan_atomically_relative_to_the_working_directory(
    repo: Repo, emu: Emu
) -> None:
    repo.voice("anna-en")
    outcome = repo.run("plan", "--format", "json", "--out", "plan.json", cwd=repo.root / "voices")
    saved = repo.root / "voices" / "plan.json"
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert_valid_plan_json(data)
    assert data["checksum"] == json.loads(outcome.out)["checksum"]
    assert outcome.err == banner(emu) + f"saved plan to plan.json (checksum {data['checksum']})\n"
    assert sorted(p.name for p in saved.parent.iterdir()) == ["anna-en.yaml", "audio", "plan.json"]
    assert emu.methods() == {"GET"}


def test_out_into_a_missing_folder_fails_before_any_request(repo: Repo, emu: Emu) -> None:
    repo.voice("anna-en")
    outcome = repo.run("plan", "--out", "missing/plan.json")
    assert (outcome.code, outcome.out) == (1, "")
    assert outcome.err == "error: cannot write missing/plan.json: folder missing not found\n"
    assert emu.requests() == []


def test_markdown_format_has_the_summary_and_an_escaped_table(repo: Repo, emu: Emu) -> None:
    repo.voice("anna-en")
    outcome = repo.run("plan", "--format", "markdown", "--detailed-exitcode")
    assert outcome.code == 2
    lines = outcome.out.splitlines()
    assert lines[0] == (
        "**Plan: 1 to create (300 credits), 0 unchanged. Balance after: 9,700 credits.**"
    )
    assert "| `+` | create | anna-en | voice\\_engine\\_3, 2 files, 4.0 s, 300 credits |" in lines


def test_plan_sends_only_gets_in_every_situation(repo: Repo, emu: Emu) -> None:
    """P1: create, adopt, drift, orphan, pending, failed, unmanaged and blocked at once."""
    for alias in ("done-en", "gone-en", "adopt-en", "running-en", "broken-en"):
        repo.voice(alias)
    repo.voice("drift-en", metadata={"gender": "female"})  # a declared key the server changed
    repo.voice("new-en")
    assert repo.run("apply", "--yes", "--only", "done-en", "--only", "gone-en").code == 0
    (repo.root / "voices" / "gone-en.yaml").unlink()
    ours = {"managed_by": "voicectl:acme/voices", "gender": "male"}
    seed_outside(emu, repo, "drift-en", metadata=ours)
    seed_outside(emu, repo, "adopt-en")
    emu.admin("POST", "/clock", {"mode": "manual"})  # keep it running
    seed_outside(emu, repo, "running-en", status="in_progress")
    seed_outside(emu, repo, "broken-en", status="failed", failReason="too noisy")
    emu.seed_clone(alias="someone-else", metadata={"managed_by": "voicectl:other/repo"})
    emu.clear_requests()
    runs = [
        ("plan",),
        ("plan", "--format", "json", "--out", "plan.json", "--detail", "full"),
        ("plan", "--format", "markdown", "--retry-failed"),
        ("plan", "--max-credits", "1"),
        ("drift",),
    ]
    codes = [repo.run(*argv).code for argv in runs]
    assert codes == [0, 0, 0, 4, 2]
    summary = json.loads((repo.root / "plan.json").read_text(encoding="utf-8"))["summary"]
    assert {k: v for k, v in summary.items() if v} == {
        "create": 1,
        "adopt": 1,
        "drift": 1,
        "pending": 1,
        "failed": 1,
        "orphan": 1,
        "unmanaged": 1,
        "noop": 1,
    }
    requests = emu.requests()
    assert requests
    assert {r["method"] for r in requests} == {"GET"}


def test_plan_on_the_embedded_emulator_needs_no_key(tmp_path: Path) -> None:
    from tests.support.clirig import make_repo

    repo = make_repo(tmp_path / "local")  # no owner: `local` on the emulator
    repo.voice("anna-en")
    outcome = repo.run("plan", "--detailed-exitcode")
    assert (outcome.code, outcome.err) == (2, "target: emulator (no AUDIOSTACK_API_KEY)\n")
    assert outcome.out == ANNA + (
        "Plan: 1 to create (300 credits), 0 unchanged. Balance after: 9,700 credits.\n"
    )
    assert (repo.root / ".voicectl" / "emulator.sqlite3").is_file()
    env = {"VOICECTL_EMULATOR_CLOCK": "immediate"}
    assert repo.run("apply", "--yes", env=env).code == 0
    again = repo.run("plan", "--detailed-exitcode", "--format", "json")
    data = json.loads(again.out)
    assert_valid_plan_json(data)
    assert (again.code, data["owner"], data["summary"]["noop"]) == (0, "local", 1)
