"""Upload byte progress: each chunk the connection takes is an UploadSending event (the
live table's `uploading take.wav 0.5 of 1.3 MB (40%)`); plain CI lines stay one per file."""

from __future__ import annotations

import io

from rich.console import Console

from reconciler.apply.events import Uploaded, UploadSending, VoiceStarted
from reconciler.audiostack.uploadbody import CHUNK
from reconciler.model.values import Alias
from reconciler.render.progress import LiveProgress, PlainProgress, event_line, sending_phase
from tests.support.applyrig import Rig


def test_a_large_upload_reports_its_bytes_chunk_by_chunk(rig: Rig) -> None:
    voice = rig.declare("big-en", 1, seconds=70.0)
    report, sink = rig.execute([voice])
    assert report.exit_code == 0
    [uploaded] = [e for e in sink.events if isinstance(e, Uploaded)]
    sending = [e for e in sink.events if isinstance(e, UploadSending)]
    assert uploaded.size > 2 * CHUNK  # three chunks at least
    expected = [*range(CHUNK, uploaded.size, CHUNK), uploaded.size]
    assert [e.sent for e in sending] == expected  # growing, ending at the whole file
    assert {(e.alias, e.path, e.size) for e in sending} == {
        ("big-en", uploaded.path, uploaded.size)
    }
    # every byte event comes before the file's `uploaded` line
    order = list(sink.events)
    assert max(order.index(e) for e in sending) < order.index(uploaded)


def test_the_live_row_shows_the_bytes_and_plain_lines_do_not() -> None:
    event = UploadSending(Alias("anna-en"), "voices/audio/anna/take-01.wav", 524_288, 1_310_720)
    assert sending_phase(event) == "uploading take-01.wav 0.5 of 1.3 MB (40%)"
    small = UploadSending(Alias("anna-en"), "a/b.wav", 400, 800)
    assert sending_phase(small) == "uploading b.wav 400 of 800 B (50%)"
    assert event_line(event) is None  # CI: no line per chunk
    out = io.StringIO()
    plain = PlainProgress(Console(file=out, width=120))
    plain.emit(event)
    plain.close()
    assert out.getvalue() == ""
    live = LiveProgress(Console(file=io.StringIO(), width=120), clock=lambda: 7.0)
    live.emit(VoiceStarted(Alias("anna-en"), "voice_engine_3", 1, 1))
    live.emit(event)
    table = live._table()
    assert [[str(c) for c in column.cells] for column in table.columns] == [
        ["anna-en"],
        ["uploading take-01.wav 0.5 of 1.3 MB (40%)"],
        ["0 s"],
    ]
