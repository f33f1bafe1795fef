"""`voicectl apply` as real processes against the served emulator over loopback: I8 (two
applies at the same moment on overlapping declarations) and interrupts (SIGTERM/SIGINT while
clones are running: exit 130, an atomic report, and a later run that creates nothing)."""

from __future__ import annotations

import json
import shutil
import signal
from collections.abc import Callable

import pytest

from tests.support.applyclirig import (
    CLONES,
    clone_posts,
    one_record_per_alias,
    voicectl_process,
    wait_for,
)
from tests.support.clirig import Emu, Repo


def test_two_applies_at_the_same_moment_create_and_charge_each_voice_once(
    new_repo: Callable[..., Repo], emu: Emu
) -> None:
    first = new_repo("first")
    for alias in ("anna-en", "bob-en", "cara-en"):
        first.voice(alias)
    second = new_repo("second")  # same owner, the same three voices (same audio) + one more
    shutil.copytree(first.root / "voices", second.root / "voices", dirs_exist_ok=True)
    second.voice("dora-en")
    # slow creates so the two runs overlap even when one process starts a little late
    emu.fault(method="POST", route=CLONES, delay_s=0.4)
    processes = [voicectl_process(repo, "apply", "--yes") for repo in (first, second)]
    results = [p.communicate(timeout=60) for p in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, out + err
        assert out.endswith("Converged.\n")
        assert "Traceback" not in err
    aliases = ["anna-en", "bob-en", "cara-en", "dora-en"]
    one_record_per_alias(emu, aliases)
    assert sorted(c["alias"] for c in emu.clones()) == aliases
    assert emu.state()["credits"] == {"org-default": 10_000 - 4 * 300}
    assert [f["folderName"] for f in emu.state()["folders"]] == ["voicectl"]
    emu.clear_faults()
    emu.clear_requests()
    third = voicectl_process(second, "apply", "--yes")
    out, err = third.communicate(timeout=60)
    assert (third.returncode, out) == (0, "No changes. 4 voices up to date.\n")
    assert err.endswith("Nothing to apply.\n")
    assert {r["method"] for r in emu.requests()} == {"GET"}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_an_interrupt_while_clones_run_exits_130_and_a_later_apply_creates_nothing(
    repo: Repo, emu: Emu, signum: signal.Signals
) -> None:
    repo.voice("anna-en")
    repo.voice("bob-en")
    emu.admin("POST", "/clock", {"mode": "manual"})  # clones stay `preparing` until told
    process = voicectl_process(repo, "apply", "--yes", "--report", "r.json")
    wait_for(lambda: len(clone_posts(emu)) == 2)
    process.send_signal(signum)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, out + err
    assert "Traceback" not in err
    assert "…   anna-en   pending   still preparing; the next plan or apply picks it up" in out
    assert out.endswith("interrupted: unknown voices are read back by the next run\n")
    assert err.endswith("wrote report to r.json\n")
    report = json.loads((repo.root / "r.json").read_text(encoding="utf-8"))
    assert (report["exit_code"], report["interrupted"]) == (130, True)
    assert [(v["alias"], v["result"], v["status"]) for v in report["voices"]] == [
        ("anna-en", "pending", "preparing"),
        ("bob-en", "pending", "preparing"),
    ]
    assert sorted(p.name for p in repo.root.iterdir() if p.name.startswith(".r.json")) == []
    journal = (repo.root / ".voicectl/apply-journal.jsonl").read_text(encoding="utf-8")
    assert all(json.loads(line) for line in journal.splitlines())
    assert [c["status"] for c in emu.clones()] == ["preparing", "preparing"]

    # still running: a re-run waits for them (here 0 s) and creates nothing
    emu.clear_requests()
    pending = repo.run("apply", "--yes", "--wait-timeout", "0")
    assert pending.code == 0, pending.text
    assert "Nothing to write; waiting for clones left pending earlier: anna-en, bob-en\n" in (
        pending.err
    )
    assert pending.out.splitlines()[-1] == (
        "Not converged yet: 2 voices pending (anna-en, bob-en); a later plan or apply waits "
        "for them."
    )
    assert {r["method"] for r in emu.requests()} == {"GET"}

    for alias in ("anna-en", "bob-en"):
        emu.admin("POST", "/advance", {"alias": alias, "to": "succeeded"})
    emu.clear_requests()
    done = repo.run("apply", "--yes")
    assert (done.code, done.out) == (0, "No changes. 2 voices up to date.\n")
    assert {r["method"] for r in emu.requests()} == {"GET"}
    one_record_per_alias(emu, ["anna-en", "bob-en"])
    assert emu.state()["credits"] == {"org-default": 10_000 - 600}
