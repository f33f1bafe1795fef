"""QA regressions: a damaged or unwritable .voicectl/, --quiet, Ctrl-C at the prompt."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from tests.support.clifixtures import embedded
from tests.support.clirig import Repo, voice_yaml

repo = embedded  # this module runs on the embedded emulator, not the served one

STATE_HINT = "  hint: the embedded emulator (used without AUDIOSTACK_API_KEY) keeps its state in "


def test_a_corrupt_emulator_database_is_a_one_line_error_with_a_hint(repo: Repo) -> None:
    (repo.root / ".voicectl").mkdir()
    (repo.root / ".voicectl/emulator.sqlite3").write_text("not a database at all\n")
    run = repo.run("plan")
    assert run.code == 1
    assert run.err.splitlines()[1:] == [
        "error: .voicectl/emulator.sqlite3 is not a usable emulator database "
        "(file is not a database)",
        STATE_HINT + ".voicectl/; delete .voicectl/emulator.sqlite3 to start the emulator "
        "afresh (its voices are local only)",
    ]
    assert "Traceback" not in run.err and "internal error" not in run.err


def test_an_unwritable_state_folder_is_a_one_line_error_not_an_internal_error(
    repo: Repo,
) -> None:
    (repo.root / ".voicectl").write_text("a file where the state folder should be\n")
    run = repo.run("plan")
    assert run.code == 1
    lines = run.err.splitlines()
    assert lines[1] == f"error: cannot write {repo.root / '.voicectl'}: File exists"
    assert lines[2] == STATE_HINT + (
        ".voicectl/; run voicectl in a writable checkout, or target an API with AUDIOSTACK_API_KEY"
    )


def test_apply_refuses_before_writing_when_its_journal_cannot_be_written(repo: Repo) -> None:
    (repo.root / ".voicectl/apply-journal.jsonl").mkdir(parents=True)
    run = repo.run("apply", "--yes")
    assert run.code == 1
    assert run.err.splitlines()[-2:] == [
        "error: cannot write the apply journal .voicectl/apply-journal.jsonl: "
        "Is a directory; nothing was written",
        "  hint: run apply in a writable checkout",
    ]
    assert repo.run("plan").out.startswith("  + create    alpha-en")


def test_emulator_serve_on_a_corrupt_database_is_a_clean_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("garbage\n")
    run = subprocess.run(
        [sys.executable, "-m", "reconciler", "emulator", "serve", "--port", "0", "--db", str(bad)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        f"error: cannot open the emulator database {bad}: file is not a database",
        "  hint: pass --db with a new file name (or delete the damaged file)",
    ]


def test_quiet_plan_prints_the_plan_without_the_banner(repo: Repo) -> None:
    run = repo.run("plan", "--quiet")
    assert run.code == 0
    assert run.err == ""
    assert run.out.splitlines()[-1].startswith("Plan: 1 to create (300 credits)")


def test_quiet_apply_prints_no_banner_and_no_progress_lines(repo: Repo) -> None:
    run = repo.run("apply", "--yes", "-q")
    assert run.code == 0, run.err
    assert run.err == ""
    assert run.out.endswith("Converged.\n")
    # the journal still records every event
    assert (repo.root / ".voicectl/apply-journal.jsonl").read_text().count("\n") > 2


class _CtrlCAtPrompt(io.StringIO):
    def isatty(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> str:
        raise KeyboardInterrupt


def test_ctrl_c_at_the_confirmation_prompt_exits_130_on_a_line_of_its_own(repo: Repo) -> None:
    run = repo.run("apply", stdin=_CtrlCAtPrompt())
    assert run.code == 130
    assert run.err.endswith("Only 'yes' is accepted: \ninterrupted\n")
    assert repo.run("plan").out.startswith("  + create    alpha-en")


def test_piped_status_and_apply_report_keep_a_64_character_alias_whole(repo: Repo) -> None:
    alias = "a" * 59 + "-long"
    repo.write("voices/long.yaml", voice_yaml(alias, "audio/a1.wav"))
    applied = repo.run("apply", "--yes")
    assert applied.code == 0, applied.err
    rows = [line.split() for line in applied.out.splitlines() if line.startswith("✓")]
    assert ["✓", alias, "succeeded"] in rows
    status = repo.run("status")
    rows = [line.split() for line in status.out.splitlines()]
    assert [alias, "voice_engine_3", "succeeded", "1", "0", "noop"] in rows
