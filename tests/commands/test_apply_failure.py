"""P5 at CLI level: one voice's clone fails server-side (its only file is too short, so the
server discards it: "not enough audio"); the others succeed; exit 5; the report names the
failure; re-runs never recreate the voices that succeeded."""

from __future__ import annotations

import hashlib
import json
import threading
import time

from reconciler.audiostack.client import AudioStackClient
from tests.support.applyclirig import CLONES, one_record_per_alias, writes
from tests.support.clirig import Emu, Repo, write_wav

FAIL_REASON = "speaker not recognisable"


def remote_short_file(emu: Emu, repo: Repo) -> str:
    """A 1.0 s file uploaded by someone else (folder `elsewhere`); returns its fileId."""
    path = repo.root.parent / "short.wav"
    sha = hashlib.sha256(write_wav(path, 1.0, seed=99)).hexdigest()
    with AudioStackClient(emu.base_url, "emulator", key_is_secret=False) as client:
        folder = client.find_folder("elsewhere") or client.create_folder("elsewhere")
        return str(client.upload(folder, "short.wav", path, sha).file_id)


def declare_by_file_id(repo: Repo, alias: str, *file_ids: str) -> None:
    listed = "".join(f"  - file_id: {file_id}\n" for file_id in file_ids)
    repo.write(
        f"voices/{alias}.yaml",
        f"version: 1\nalias: {alias}\nengine: voice_engine_3\nlanguage: en-GB\nfiles:\n{listed}",
    )


def remote_file(emu: Emu, repo: Repo, seconds: float, seed: int) -> str:
    path = repo.root.parent / f"remote-{seed}.wav"
    sha = hashlib.sha256(write_wav(path, seconds, seed=seed)).hexdigest()
    with AudioStackClient(emu.base_url, "emulator", key_is_secret=False) as client:
        folder = client.find_folder("elsewhere") or client.create_folder("elsewhere")
        return str(client.upload(folder, path.name, path, sha).file_id)


def server_decides(emu: Emu, verdicts: dict[str, dict[str, str]]) -> threading.Thread:
    """In manual clock mode, once every alias has a running clone, the server settles each
    as told (plan-time engine rules leave no short voice for it to fail on its own)."""

    def run() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            running = {c["alias"] for c in emu.clones() if c["status"] == "preparing"}
            if set(verdicts) <= running:
                for alias, verdict in verdicts.items():
                    emu.admin("POST", "/advance", {"alias": alias, **verdict})
                return
            time.sleep(0.05)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_one_failed_clone_exits_5_names_it_in_the_report_and_spares_the_others(
    repo: Repo, emu: Emu
) -> None:
    repo.voice("anna-en")
    repo.voice("bob-en")
    short = remote_short_file(emu, repo)
    declare_by_file_id(repo, "cara-en", short, remote_file(emu, repo, 2.0, seed=98))
    emu.clear_requests()
    emu.admin("POST", "/clock", {"mode": "manual"})
    done = {"to": "succeeded"}
    failed = {"to": "failed", "failReason": FAIL_REASON}
    judge = server_decides(emu, {"anna-en": done, "bob-en": done, "cara-en": failed})
    applied = repo.run("apply", "--yes", "--report", "r.json")
    judge.join()
    emu.admin("POST", "/clock", {"mode": "immediate"})
    assert applied.code == 5, applied.text
    assert f"cara-en: failed: {FAIL_REASON}\n" in applied.err
    assert f"✗   cara-en   failed      {FAIL_REASON}" in applied.out
    assert f"  {short} (cara-en): too short: 1.0 s < 1.5 s\n" in applied.out
    assert applied.out.endswith(
        "Not converged: 1 voice failed (cara-en); change the declaration "
        "(or run with --retry-failed) to try again.\n"
    )
    report = json.loads((repo.root / "r.json").read_text(encoding="utf-8"))
    assert report["exit_code"] == 5
    assert report["summary"]["succeeded"] == 2 and report["summary"]["failed"] == 1
    results = {v["alias"]: (v["result"], v["reason"]) for v in report["voices"]}
    assert results == {
        "anna-en": ("succeeded", None),
        "bob-en": ("succeeded", None),
        "cara-en": ("failed", FAIL_REASON),
    }
    cara = next(v for v in report["voices"] if v["alias"] == "cara-en")
    assert cara["discarded"] == [
        {"file_id": short, "path": short, "reason": "too short: 1.0 s < 1.5 s"}
    ]
    assert report["credits"]["spent"] == 600
    assert writes(emu).count(("POST", CLONES)) == 3
    assert emu.state()["credits"] == {"org-default": 10_000 - 600}

    # unchanged declarations: the failed voice is not retried, nothing is recreated
    emu.clear_requests()
    again = repo.run("apply", "--yes")
    assert again.code == 5, again.text
    assert again.err.endswith("Nothing to apply.\n")
    assert again.out.splitlines()[-1] == (  # never "Converged." while a voice is x failed
        "Not converged: 1 voice failed (cara-en); change the declaration "
        "(or run with --retry-failed) to try again."
    )
    assert {r["method"] for r in emu.requests()} == {"GET"}

    # a fixed declaration creates only that voice
    repo.voice("cara-en")
    emu.clear_requests()
    fixed = repo.run("apply", "--yes")
    assert fixed.code == 0, fixed.text
    assert fixed.out.endswith("Converged.\n")
    assert [r["path"] for r in emu.requests() if r["method"] == "POST"].count(CLONES) == 1
    one_record_per_alias(emu, ["anna-en", "bob-en"])
    assert [c["status"] for c in emu.clones("cara-en")] == ["failed", "succeeded"]
    assert emu.state()["credits"] == {"org-default": 10_000 - 900}
