"""Progress of `voicectl apply` in plain mode (not a TTY): one line per event on stderr,
`::group::` per voice under GitHub Actions, and never an ANSI escape."""

from __future__ import annotations

from tests.support.applyclirig import voicectl_process
from tests.support.clirig import Emu, Repo

ESC = "\x1b"


def declare(repo: Repo) -> None:
    repo.voice("anna-en")
    repo.voice("bob-en", files=1)


def test_plain_progress_is_one_line_per_event_in_voice_order(repo: Repo, emu: Emu) -> None:
    declare(repo)
    applied = repo.run("apply", "--yes", "--concurrency", "1")
    assert applied.code == 0, applied.text
    assert applied.err == (
        f"target: default ({emu.base_url})\n"
        "created folder voicectl\n"
        "[1/3] uploaded voices/audio/anna-en/take-00.wav (16.0 KB)\n"
        "[2/3] uploaded voices/audio/anna-en/take-01.wav (16.0 KB)\n"
        "created anna-en (300 credits on success)\n"
        "[3/3] uploaded voices/audio/bob-en/take-00.wav (16.0 KB)\n"
        "created bob-en (300 credits on success)\n"
        "waiting for 2 clones (up to 10m00s)\n"
        "anna-en: succeeded\n"
        "bob-en: succeeded\n"
    )
    assert ESC not in applied.text


def test_github_actions_progress_groups_each_voice(repo: Repo, emu: Emu) -> None:
    declare(repo)
    applied = repo.run("apply", "--yes", "--concurrency", "1", env={"GITHUB_ACTIONS": "true"})
    assert applied.code == 0, applied.text
    assert applied.err == (
        "::add-mask::emulator\n"
        f"target: default ({emu.base_url})\n"
        "created folder voicectl\n"
        "::group::anna-en\n"
        "[1/3] uploaded voices/audio/anna-en/take-00.wav (16.0 KB)\n"
        "[2/3] uploaded voices/audio/anna-en/take-01.wav (16.0 KB)\n"
        "created anna-en (300 credits on success)\n"
        "::endgroup::\n"
        "::group::bob-en\n"
        "[3/3] uploaded voices/audio/bob-en/take-00.wav (16.0 KB)\n"
        "created bob-en (300 credits on success)\n"
        "::endgroup::\n"
        "waiting for 2 clones (up to 10m00s)\n"
        "anna-en: succeeded\n"
        "bob-en: succeeded\n"
    )
    assert ESC not in applied.text


def test_concurrent_voices_keep_their_groups_whole(repo: Repo, emu: Emu) -> None:
    """With 4 voices in flight, each voice's lines still sit inside its own group."""
    for alias in ("anna-en", "bob-en", "cara-en", "dora-en"):
        repo.voice(alias)
    applied = repo.run("apply", "--yes", env={"GITHUB_ACTIONS": "true"})
    assert applied.code == 0, applied.text
    group = None
    for line in applied.err.splitlines():
        if line.startswith("::group::"):
            assert group is None, line
            group = line.removeprefix("::group::")
        elif line == "::endgroup::":
            group = None
        elif line.startswith(("[", "created ")) and line != "created folder voicectl":
            assert group is not None and group in line, line
    assert applied.err.count("::group::") == 4


def test_a_piped_subprocess_prints_no_ansi_escapes(repo: Repo, emu: Emu) -> None:
    declare(repo)
    process = voicectl_process(repo, "apply", "--yes")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, out + err
    assert "[3/3] uploaded voices/audio/" in err
    assert "created bob-en (300 credits on success)\n" in err
    assert out.endswith("Converged.\n")
    assert ESC not in out + err
