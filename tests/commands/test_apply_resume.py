"""A run cut off while clones were pending: the next apply waits for them (GET only)
instead of printing `Nothing to apply.`, and ends `Converged.` only when they are done.
`Converged.` is never printed while a voice is pending or failed, and counts are exact."""

from __future__ import annotations

from tests.support.applyclirig import voicectl_process, wait_for
from tests.support.clirig import Emu, Repo


def test_a_resumed_apply_waits_for_the_clones_an_earlier_run_left_pending(
    repo: Repo, emu: Emu
) -> None:
    emu.admin("POST", "/clock", {"mode": "manual"})
    repo.voice("anna-en")
    first = repo.run("apply", "--yes", "--wait-timeout", "0")
    assert first.code == 0, first.err
    assert first.out.splitlines()[-1] == (
        "Not converged yet: 1 voice pending (anna-en); a later plan or apply waits for it."
    )
    process = voicectl_process(repo, "apply", "--yes")
    assert process.stderr is not None
    lines: list[str] = []

    def waiting() -> bool:
        lines.append(process.stderr.readline())  # type: ignore[union-attr]
        return lines[-1].startswith("waiting for 1 clone")

    wait_for(waiting, timeout_s=60)
    emu.admin("POST", "/advance", {"alias": "anna-en", "to": "succeeded"})
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, "".join(lines) + err
    assert "Nothing to write; waiting for clones left pending earlier: anna-en\n" in lines
    assert out.splitlines()[-1] == "Converged."
    posts = [r for r in emu.requests() if r["method"] == "POST" and "voice-cloning" in r["path"]]
    assert len(posts) == 1  # the first run's create only


def test_failed_voices_are_counted_exactly_and_never_converged(repo: Repo, emu: Emu) -> None:
    emu.admin("POST", "/clock", {"mode": "manual"})
    for alias in ("anna-en", "bob-en", "cara-en"):
        repo.voice(alias)
    repo.run("apply", "--yes", "--wait-timeout", "0")
    for alias in ("anna-en", "bob-en"):
        emu.admin("POST", "/advance", {"alias": alias, "to": "failed"})
    again = repo.run("apply", "--yes", "--wait-timeout", "0")
    assert again.code == 5
    assert again.out.splitlines()[-1] == (
        "Not converged: 2 voices failed (anna-en, bob-en); 1 voice pending (cara-en); "
        "change the declaration (or run with --retry-failed) to try again."
    )
    emu.admin("POST", "/advance", {"alias": "cara-en", "to": "succeeded"})
    later = repo.run("apply", "--yes")
    assert later.err.splitlines()[-1] == "Nothing to apply."
    assert (later.code, later.out.splitlines()[-1]) == (
        5,
        "Not converged: 2 voices failed (anna-en, bob-en); "
        "change the declaration (or run with --retry-failed) to try again.",
    )
