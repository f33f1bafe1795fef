"""Plain progress lines (CI, pipes) for each event, GitHub Actions groups, no escape codes."""

from __future__ import annotations

import io

from rich.console import Console

from reconciler.apply.events import (
    Adopted,
    Busy,
    FolderReady,
    Heartbeat,
    Interrupted,
    NotAttempted,
    Retrying,
    StatusChanged,
    Step,
    Submitted,
    Uploaded,
    UploadProcessing,
    UploadSkipped,
    VoiceFailed,
    VoicePending,
    VoiceStarted,
    VoiceSucceeded,
    WaitStarted,
)
from reconciler.model.values import Alias, CloneId, FileId, FolderId
from reconciler.render.progress import (
    LiveProgress,
    PlainProgress,
    event_line,
    format_elapsed,
    format_size,
)

A = Alias("anna-en-warm")
B = Alias("bob-fr")


def _console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=100, color_system=None), buffer


def test_describe_uses_the_documented_plain_lines() -> None:
    assert (
        event_line(Uploaded(A, "voices/anna/01.wav", 1_200_000, FileId("f1"), 3, 12))
        == "[3/12] uploaded voices/anna/01.wav (1.2 MB)"
    )
    assert (
        event_line(Submitted(A, CloneId("c1"), "voice_engine_3", 300))
        == "created anna-en-warm (300 credits on success)"
    )
    assert (
        event_line(StatusChanged(A, CloneId("c1"), "in_progress", 40.2))
        == "anna-en-warm: in_progress 40 s"
    )
    beat = Heartbeat(Busy.WAITING, ((A, "in_progress"), (B, "in_progress")), 270)
    assert event_line(beat) == "waiting: 2 clones in_progress (anna-en-warm, bob-fr) 4m30s"


def test_describe_names_every_outcome() -> None:
    assert event_line(VoiceSucceeded(A, CloneId("c"), adopted=True, discarded=2)) == (
        "anna-en-warm: succeeded (adopted, 2 files discarded)"
    )
    assert event_line(VoicePending(A, CloneId("c"), "in_progress", 600)) == (
        "anna-en-warm: pending (still in_progress after 10m00s; the next plan or apply picks it up)"
    )
    assert event_line(VoiceFailed(A, "alias taken (held by voicectl:other)")) == (
        "anna-en-warm: failed: alias taken (held by voicectl:other)"
    )
    assert event_line(NotAttempted(B, "insufficient credits (HTTP 402)")) == (
        "bob-fr: not attempted: insufficient credits (HTTP 402)"
    )
    assert event_line(Adopted(A, CloneId("c"), "succeeded", "already exists")) == (
        "adopted anna-en-warm (already exists, succeeded)"
    )
    assert event_line(UploadSkipped(A, "v/a.wav", FileId("f"), "already uploaded", 1, 2)) == (
        "[1/2] reused v/a.wav (already uploaded)"
    )
    assert event_line(WaitStarted(2, 600)) == "waiting for 2 clones (up to 10m00s)"
    assert event_line(Interrupted((A,), 10)) == (
        "interrupted: starting nothing new; waiting up to 10 s for 1 voice in flight (anna-en-warm)"
    )
    assert event_line(FolderReady("voicectl", FolderId("d"), created=False)) is None
    assert event_line(VoiceStarted(A, "voice_engine_3", 1, 2)) is None


def test_heartbeat_groups_statuses_and_caps_the_names() -> None:
    entries = (*((Alias(f"v{i}"), "in_progress") for i in range(7)), (A, "preparing"))
    assert event_line(Heartbeat(Busy.WAITING, entries, 3725)) == (
        "waiting: 7 clones in_progress (v0, v1, v2, v3, v4, +2 more), "
        "1 clone preparing (anna-en-warm) 1h02m"
    )
    assert event_line(Heartbeat(Busy.WORKING, ((A, "uploading"),), 31)) == (
        "working: 1 voice uploading (anna-en-warm) 31 s"
    )


def test_sizes_and_durations_use_decimal_units_and_short_forms() -> None:
    assert [format_size(n) for n in (999, 1000, 52_300, 1_000_000)] == [
        "999 B",
        "1.0 KB",
        "52.3 KB",
        "1.0 MB",
    ]
    assert [format_elapsed(s) for s in (0, 59.9, 60, 270, 7200)] == [
        "0 s",
        "59 s",
        "1m00s",
        "4m30s",
        "2h00m",
    ]


def test_control_characters_and_markup_in_user_text_are_inert() -> None:
    console, buffer = _console()
    with PlainProgress(console) as progress:
        progress.emit(VoiceFailed(A, "bad \x1b[31mred\x1b[0m [bold]x[/bold]\nnext"))
    assert buffer.getvalue() == "anna-en-warm: failed: bad [31mred[0m [bold]x[/bold]next\n"


def test_plain_mode_writes_no_escape_codes() -> None:
    console, buffer = _console()
    with PlainProgress(console) as progress:
        progress.emit(Uploaded(A, "voices/a.wav", 2048, FileId("f"), 1, 1))
        progress.emit(Submitted(A, CloneId("c"), "voice_engine_3", 300))
    assert "\x1b" not in buffer.getvalue() and "\r" not in buffer.getvalue()
    assert buffer.getvalue().splitlines() == [
        "[1/1] uploaded voices/a.wav (2.0 KB)",
        "created anna-en-warm (300 credits on success)",
    ]


def test_github_actions_folds_each_voice_into_one_group() -> None:
    console, buffer = _console()
    with PlainProgress(console, github=True) as progress:
        progress.emit(VoiceStarted(A, "voice_engine_3", 1, 2))
        progress.emit(VoiceStarted(B, "voice_engine_3", 2, 2))
        progress.emit(Uploaded(B, "voices/b.wav", 1000, FileId("fb"), 1, 2))
        progress.emit(Uploaded(A, "voices/a.wav", 1000, FileId("fa"), 2, 2))
        progress.emit(Retrying(A, Step.CREATE, "HTTP 503; reading back"))
        progress.emit(Submitted(A, CloneId("ca"), "voice_engine_3", 300))
        progress.emit(Heartbeat(Busy.WORKING, ((B, "creating"),), 30))
        progress.emit(VoiceFailed(B, "alias taken (held by another organisation)"))
        progress.emit(VoiceSucceeded(A, CloneId("ca"), adopted=False))
    assert buffer.getvalue().splitlines() == [
        "::group::anna-en-warm",
        "[2/2] uploaded voices/a.wav (1.0 KB)",
        "anna-en-warm: create: HTTP 503; reading back",
        "created anna-en-warm (300 credits on success)",
        "::endgroup::",
        "working: 1 voice creating (bob-fr) 30 s",
        "::group::bob-fr",
        "[1/2] uploaded voices/b.wav (1.0 KB)",
        "bob-fr: failed: alias taken (held by another organisation)",
        "::endgroup::",
        "anna-en-warm: succeeded",
    ]


def test_an_upload_processing_wait_is_a_plain_line_and_a_live_row_of_its_voice() -> None:
    waiting = UploadProcessing(A, "voices/anna/01.wav", 130.0, "pending")
    assert event_line(waiting) == (
        "anna-en-warm: voices/anna/01.wav still pending on the server (waited 2m10s)"
    )
    console, _ = _console()
    live = LiveProgress(console, clock=lambda: 100.0)
    live.emit(VoiceStarted(A, "voice_engine_3", 1, 1))
    live.emit(waiting)
    table = live._table()
    assert [[str(cell) for cell in column.cells] for column in table.columns] == [
        ["anna-en-warm"],
        ["voices/anna/01.wav still pending on the server (waited 2m10s)"],
        ["0 s"],
    ]
