"""Fewer requests per create, never a riskier one: the plan's listing replaces the read back
only while complete and fresh, and a create refused for files still processing waits with
folder listings (not one GET per file), reads back, then POSTs again."""

from __future__ import annotations

import time
from dataclasses import replace
from itertools import pairwise

from reconciler.apply.events import Retrying, UploadProcessing
from reconciler.apply.report import Outcome
from reconciler.audiostack.remote import fetch_state
from reconciler.model.values import Declaration, RemoteState
from tests.support.applyrig import Rig, one_record_per_alias

CLONES = "/speech/voice-cloning"
PENDING = "file 'x' is not uploaded yet (status pending)"


def _remote(rig: Rig, voices: list[Declaration]) -> RemoteState:
    rig.execute([rig.declare("seed-voice", 1)])  # the folder exists, with one file
    state = fetch_state(rig.client(), [d.alias for d in voices], folder_name="voicectl")
    rig.clear_requests()
    return state


def _calls(rig: Rig) -> list[str]:
    """method, route and (except for upload URLs) the query of every logged request."""
    calls = []
    for r in rig.requests():
        query = f"?{r['query']}" if r["query"] and r["method"] != "PUT" else ""
        calls.append(f"{r['method']} {r['route']}{query}")
    return calls


def test_a_fresh_complete_listing_is_the_read_back(rig: Rig) -> None:
    anna = rig.declare("anna", 2)
    remote = _remote(rig, [anna])
    report, _ = rig.execute([anna], remote=remote)
    assert report.exit_code == 0
    calls = _calls(rig)
    assert calls[: calls.index(f"POST {CLONES}") + 1] == [
        "POST /files",
        "PUT /_upload/{fileId}",
        "POST /files",
        "PUT /_upload/{fileId}",
        f"POST {CLONES}",
    ]


def test_a_stale_or_partial_listing_is_read_back_before_the_post(rig: Rig) -> None:
    anna, bob = rig.declare("anna", 1), rig.declare("bob", 1)
    remote = _remote(rig, [anna, bob])
    stale = replace(remote, read_at=time.monotonic() - 601)
    partial = replace(remote, complete_listing=False)
    for voice, known in ((anna, stale), (bob, partial)):
        rig.clear_requests()
        assert rig.execute([voice], remote=known)[0].exit_code == 0
        calls = _calls(rig)
        assert calls[2:4] == [f"GET {CLONES}?alias={voice.alias}", f"POST {CLONES}"]


def test_a_create_refused_for_files_still_processing_lists_once_then_posts_again(
    rig: Rig,
) -> None:
    anna = rig.declare("anna", 2)
    remote = _remote(rig, [anna])
    rig.fault(method="POST", route=CLONES, status=400, body=f'{{"message": "{PENDING}"}}', times=1)
    report, sink = rig.execute([anna], remote=remote)
    assert report.exit_code == 0, report
    calls = _calls(rig)
    folder = remote.folder_id
    assert calls[4:8] == [
        f"POST {CLONES}",
        "GET /folders/{folderId}/files?limit=100&offset=1",
        f"GET {CLONES}?alias=anna",
        f"POST {CLONES}",
    ]
    assert folder is not None and "GET /files/{fileId}" not in calls
    assert [e.reason for e in sink.events if isinstance(e, Retrying)] == [
        f"HTTP 400: {PENDING}; waiting for the uploads"
    ]
    one_record_per_alias(rig, ["anna", "seed-voice"])


def test_files_that_stay_pending_fail_the_voice_after_the_upload_wait(rig: Rig) -> None:
    """The wait is 300 s (the Python SDK's), in pauses backing off to 2 s; past it the
    voice fails without a second upload slot (issue 11 row 6)."""
    anna = rig.declare("anna", 2)
    remote = _remote(rig, [anna])
    rig.fault(method="PUT", route="/_upload/{fileId}", status=200, body="")  # never processed
    report, sink = rig.execute([anna], remote=remote)
    (result,) = report.voices
    assert result.outcome is Outcome.FAILED
    # progress for the waiting voice: each file as the wait starts, then every 10 s
    shown = [(e.alias, e.path, e.waited_s) for e in sink.events if isinstance(e, UploadProcessing)]
    waits = sorted({w for _, _, w in shown})
    assert waits[0] == 0 and all(10 <= b - a < 12 for a, b in pairwise(waits))
    assert len(waits) == 30 and {(a, p) for a, p, _ in shown} == {
        ("anna", "voices/anna/00.wav"),
        ("anna", "voices/anna/01.wav"),
    }
    assert result.reason == (
        "create: voices/anna/00.wav, voices/anna/01.wav: still processing after 300 s; "
        "the next run waits for it again instead of uploading it twice"
    )
    calls = _calls(rig)
    assert calls.count(f"POST {CLONES}") == 1  # the refused one; nothing was created
    assert calls.count("POST /files") == 2  # one slot per file, never a second
    pauses = [0.25, 0.5, 1.0]
    while sum(pauses) < 300:
        pauses.append(min(2.0, 300 - sum(pauses)))
    listings = sum(c.startswith("GET /folders/{folderId}/files") for c in calls)
    assert listings == len(pauses) + 1
    assert "GET /files/{fileId}" not in calls
    assert rig.clones("anna") == []
