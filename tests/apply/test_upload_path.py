"""Review of the upload path: a presigned PUT that is refused (expired URL, bad signature)
gets a fresh slot after re-listing the folder and never passes for a bad API key; bytes
that changed since validation never reach the server."""

from __future__ import annotations

from typing import Any

from reconciler.apply.events import Retrying
from reconciler.apply.report import Outcome
from tests.support.applyrig import Rig, assert_nothing_left, one_record_per_alias

PUT = "/_upload/*"
WEEK_AND_A_DAY_S = 8 * 86400


def _uploads_sent(rig: Rig) -> list[tuple[str, str]]:
    log = rig.requests()
    return [
        (r["method"], r["route"])
        for r in log
        if r["route"] in ("/files", "/_upload/{fileId}", "/folders/{folderId}/files")
    ]


def test_a_refused_upload_url_gets_a_fresh_slot_and_stops_nothing(rig: Rig) -> None:
    rig.fault(method="PUT", route=PUT, status=403, times=1)
    writes = [rig.declare("anna", 1), rig.declare("bob", 1)]
    report, sink = rig.execute(writes, concurrency=1)
    assert [v.outcome for v in report.voices] == [Outcome.SUCCEEDED, Outcome.SUCCEEDED]
    assert report.stopped_reason is None and report.exit_code == 0
    retried = [e.reason for e in sink.events if isinstance(e, Retrying)]
    assert retried == ["voices/anna/00.wav: the upload URL was refused (PUT HTTP 403)"]
    # the folder is listed again before the second POST /files (not idempotent)
    assert _uploads_sent(rig) == [
        ("GET", "/folders/{folderId}/files"),
        ("POST", "/files"),
        ("PUT", "/_upload/{fileId}"),
        ("GET", "/folders/{folderId}/files"),
        ("POST", "/files"),
        ("PUT", "/_upload/{fileId}"),
        ("POST", "/files"),
        ("PUT", "/_upload/{fileId}"),
    ]
    one_record_per_alias(rig, ["anna", "bob"])
    assert_nothing_left(rig, writes)


def test_an_upload_url_that_expired_before_the_put_is_replaced(rig: Rig) -> None:
    expired: list[bool] = []

    def expire_first_slot(record: Any) -> None:  # the emulator's week passes after POST /files
        if record.method == "POST" and record.path == "/files" and not expired:
            expired.append(True)
            rig.post("/clock", {"advance_s": WEEK_AND_A_DAY_S})

    client = rig.client(on_request=expire_first_slot)
    writes = [rig.declare("anna", 1), rig.declare("bob", 1)]
    report, _ = rig.execute(writes, client=client, concurrency=1)
    assert [v.outcome for v in report.voices] == [Outcome.SUCCEEDED, Outcome.SUCCEEDED]
    assert report.stopped_reason is None
    refused = [r for r in rig.requests() if r["method"] == "PUT" and r["status"] == 403]
    assert len(refused) == 1


def test_an_upload_url_refused_every_time_fails_only_that_voice(rig: Rig) -> None:
    rig.fault(method="PUT", route=PUT, status=403, times=3)
    report, _ = rig.execute([rig.declare("anna", 1), rig.declare("bob", 1)], concurrency=1)
    anna, bob = report.voices
    assert (anna.outcome, anna.reason) == (
        Outcome.FAILED,
        "upload: voices/anna/00.wav: the upload URL was refused (PUT HTTP 403) 3 times",
    )
    assert bob.outcome is Outcome.SUCCEEDED
    assert report.stopped_reason is None
    assert [r["status"] for r in rig.posts()] == [202]


def test_a_file_changed_since_validation_never_reaches_the_server(rig: Rig) -> None:
    anna = rig.declare("anna", 1)
    path = rig.root / (anna.files[0].path or "")
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF  # same size, different bytes
    path.write_bytes(bytes(data))
    report, _ = rig.execute([anna, rig.declare("bob", 1)], concurrency=1)
    voice = report.voices[0]
    assert voice.outcome is Outcome.FAILED
    assert voice.reason is not None
    assert voice.reason.endswith(
        "-00.wav changed since it was validated (sha256 or size differs); run validate/plan again"
    )
    assert report.voices[1].outcome is Outcome.SUCCEEDED
    stored = {f["fileName"]: f["status"] for f in rig.state()["files"]}
    assert sorted(stored.values()) == ["pending", "uploaded"]  # anna's slot never got bytes
    assert [r["status"] for r in rig.posts()] == [202]
