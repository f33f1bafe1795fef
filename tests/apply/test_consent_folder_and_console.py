"""Smaller contracts: the consent file, a known folder id, the progress mode chosen for the
console, the live table, and the API key never reaching any apply output."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

from rich.console import Console

from reconciler.apply.events import FanoutSink
from reconciler.apply.journal import JournalSink, write_report
from reconciler.model.values import FolderId, RemoteState
from reconciler.render.applyreport import render_report
from reconciler.render.progress import LiveProgress, PlainProgress, open_progress
from tests.support.applyrig import Rig

CANARY = "sk-CANARY-0123456789abcdef"


def test_engine_2_sends_the_uploaded_consent_file(rig: Rig) -> None:
    consent = rig.wav("voices/anna/consent.wav")
    anna = replace(rig.declare("anna", 2), engine="voice_engine_2", consent=consent)
    report, _ = rig.execute([anna], wait_timeout_s=0)
    (record,) = rig.clones("anna")
    consent_id = [f["fileId"] for f in rig.state()["files"] if f["fileName"] == consent.upload_name]
    assert record["consentFileId"] == consent_id[0]
    assert consent_id[0] not in record["filesUsed"]
    assert report.uploads.uploaded == 3


def test_a_known_folder_id_skips_the_folder_lookup(rig: Rig) -> None:
    rig.execute([rig.declare("anna", 1)])
    folder = rig.state()["folders"][0]["folderId"]
    remote = RemoteState({}, {}, {}, None, folder_id=FolderId(folder))
    rig.clear_requests()
    report, _ = rig.execute([rig.declare("bob", 1)], remote=remote)
    assert report.exit_code == 0
    assert [r for r in rig.requests() if r["route"] == "/folders"] == []


def test_progress_is_plain_unless_the_console_is_an_interactive_terminal() -> None:
    piped = Console(file=io.StringIO(), width=100, color_system=None)
    terminal = Console(file=io.StringIO(), force_terminal=True, force_interactive=True)
    assert isinstance(open_progress(piped), PlainProgress)
    assert isinstance(open_progress(terminal), LiveProgress)
    assert isinstance(open_progress(terminal, github=True), PlainProgress)


def test_live_table_shows_the_voices_in_flight(rig: Rig) -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, force_terminal=True, force_interactive=True)
    with LiveProgress(console, clock=rig.clock) as live:
        report, _ = rig.execute([rig.declare("anna", 1), rig.declare("bob", 1)], events=live)
    assert report.exit_code == 0
    assert "alias" in buffer.getvalue() and "2 finished" in buffer.getvalue()


def test_the_api_key_never_reaches_progress_report_or_journal(rig: Rig, tmp_path: Path) -> None:
    rig.post("/keys", {"key": CANARY, "org": "org-canary", "user": "user-canary"})
    rig.fault(method="POST", route="/speech/voice-cloning", status=500, body=CANARY, times=2)
    rig.fault(method="GET", route="/folders", status=503, body=f"<h1>{CANARY}</h1>", times=1)
    client = rig.client(api_key=CANARY)
    console = Console(file=io.StringIO(), width=100, color_system=None)
    journal_path = tmp_path / "journal.jsonl"
    with PlainProgress(console) as progress, JournalSink.open(journal_path) as journal:
        report, _ = rig.execute(
            [rig.declare("anna", 1)], client=client, events=FanoutSink([progress, journal])
        )
    render_report(report, console)
    write_report(report, tmp_path / "report.json")
    outputs = [
        console.file.getvalue(),  # type: ignore[attr-defined]
        journal_path.read_text(encoding="utf-8"),
        (tmp_path / "report.json").read_text(encoding="utf-8"),
        json.dumps(report.to_dict()),
        repr(report),
    ]
    assert report.exit_code == 5  # the create failed twice: the canary was in its bodies
    assert "***" in (report.voices[0].reason or "")
    for text in outputs:
        assert CANARY not in text
