"""Output of a real run: the plain progress lines (golden), the final report table, the
JSON report written atomically and the JSON Lines journal."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from reconciler.apply.events import FanoutSink, RecordingSink
from reconciler.apply.journal import JournalSink, write_report
from reconciler.apply.report import ApplyReport, Outcome, VoiceResult
from reconciler.model.values import Alias
from reconciler.render.applyreport import render_report
from reconciler.render.progress import PlainProgress
from tests.support.applyrig import Rig

GOLDEN = Path(__file__).parent / "golden"
CLONES = "/speech/voice-cloning"


def _console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=100, color_system=None), buffer


def _scenario(rig: Rig) -> list:  # type: ignore[type-arg]
    anna = rig.declare("anna", 2)
    bob = rig.declare("bob", 1, extra=anna.files[:1])
    carl = rig.declare("carl", 0, extra=(rig.wav("voices/carl/short.wav", seconds=1.0),))
    rig.fault(method="POST", route=CLONES, transport="commit_then_drop", times=1)
    return [anna, bob, carl]


def _matches_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("VOICECTL_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_plain_progress_of_a_run_matches_the_golden_file(rig: Rig) -> None:
    console, buffer = _console()
    writes = _scenario(rig)
    with PlainProgress(console) as progress:
        report, _ = rig.execute(writes, concurrency=1, events=progress)
    _matches_golden("progress.txt", buffer.getvalue())
    assert report.exit_code == 5


def test_github_actions_progress_groups_each_voice(rig: Rig) -> None:
    console, buffer = _console()
    with PlainProgress(console, github=True) as progress:
        rig.execute(_scenario(rig), concurrency=1, events=progress)
    _matches_golden("progress-gha.txt", buffer.getvalue())


def test_final_report_table_names_each_voice_and_the_discards(rig: Rig) -> None:
    report, _ = rig.execute(_scenario(rig), concurrency=1)
    console, buffer = _console()
    render_report(report, console)
    text = "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())
    _matches_golden("report.txt", text + "\n")


def test_report_json_is_written_atomically_with_every_voice(rig: Rig, tmp_path: Path) -> None:
    report, _ = rig.execute(_scenario(rig), concurrency=1)
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    write_report(report, target)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert sorted(os.listdir(target.parent)) == ["report.json"]  # no temporary file left
    assert data["exit_code"] == 5
    assert data["summary"] == {
        "succeeded": 2,
        "adopted": 0,
        "pending": 0,
        "failed": 1,
        "not_attempted": 0,
        "unknown": 0,
    }
    assert data["credits"] == {"spent": 600, "remaining": 9400}
    assert data["uploads"] == {"uploaded": 4, "reused": 0, "bytes": report.uploads.bytes_sent}
    anna = data["voices"][0]  # its create answer was lost; the read back found it
    assert (anna["alias"], anna["result"], anna["retries"]) == ("anna", "succeeded", 1)
    carl = data["voices"][2]
    assert carl["discarded"][0]["path"] == "voices/carl/short.wav"
    assert carl["request_ids"]


def test_journal_has_one_flushed_line_per_finished_action(rig: Rig, tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    moment = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    with JournalSink.open(
        path, actor="ci", commit="4be1c0d", plan_checksum="sha256:00", now=lambda: moment
    ) as journal:
        recorder = RecordingSink()
        rig.execute(_scenario(rig), concurrency=1, events=FanoutSink([journal, recorder]))
        lines = path.read_text(encoding="utf-8").splitlines()  # readable before close
    entries = [json.loads(line) for line in lines]
    assert {e["time"] for e in entries} == {"2026-11-25T10:00:00.000Z"}
    assert {(e["actor"], e["commit"], e["plan_checksum"]) for e in entries} == {
        ("ci", "4be1c0d", "sha256:00")
    }
    assert [(e["alias"], e["action"], e["result"]) for e in entries] == [
        ("anna", "upload", "uploaded"),
        ("anna", "upload", "uploaded"),
        ("anna", "create", "submitted"),
        ("bob", "upload", "uploaded"),
        ("bob", "create", "submitted"),
        ("carl", "upload", "uploaded"),
        ("carl", "create", "submitted"),
        ("anna", "wait", "succeeded"),
        ("bob", "wait", "succeeded"),
        ("carl", "voice", "failed"),
    ]
    assert entries[2]["request_id"] is None  # the answer that would carry it was lost
    assert entries[4]["request_id"] and entries[4]["clone_id"]


def test_exit_code_is_130_after_an_interrupt_else_5_on_any_problem() -> None:
    def report(*outcomes: Outcome, interrupted: bool = False) -> ApplyReport:
        voices = tuple(
            VoiceResult(Alias(f"v{n}"), "voice_engine_3", o) for n, o in enumerate(outcomes)
        )
        return ApplyReport(voices, 0, None, interrupted=interrupted)

    assert report(Outcome.SUCCEEDED, Outcome.ADOPTED, Outcome.PENDING).exit_code == 0
    assert report(Outcome.SUCCEEDED, Outcome.FAILED).exit_code == 5
    assert report(Outcome.NOT_ATTEMPTED).exit_code == 5
    assert report(Outcome.UNKNOWN).exit_code == 5
    assert report(Outcome.SUCCEEDED, interrupted=True).exit_code == 130
