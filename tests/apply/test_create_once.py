"""execute(): uploads, read back, create once, adopt, alias taken; a second run writes nothing."""

from __future__ import annotations

from reconciler.apply.events import Adopted, Submitted, Uploaded, UploadSkipped
from reconciler.apply.report import Outcome
from reconciler.plan.stamp import files_stamp
from tests.support.applyrig import MARKER, Rig, assert_nothing_left, one_record_per_alias


def test_execute_creates_each_voice_once_and_a_second_run_writes_nothing(rig: Rig) -> None:
    writes = [rig.declare("anna"), rig.declare("bob")]
    report, sink = rig.execute(writes)
    assert [(v.alias, v.outcome) for v in report.voices] == [
        ("anna", Outcome.SUCCEEDED),
        ("bob", Outcome.SUCCEEDED),
    ]
    assert report.exit_code == 0
    assert (report.credits_spent, report.credits_remaining) == (600, 9400)
    assert (report.uploads.uploaded, report.uploads.reused) == (6, 0)
    assert len(rig.posts()) == 2
    assert [type(e) for e in sink.events].count(Submitted) == 2
    one_record_per_alias(rig, ["anna", "bob"])
    assert_nothing_left(rig, writes)


def test_clone_request_carries_files_language_metadata_and_owner_marker(rig: Rig) -> None:
    writes = [rig.declare("anna", metadata={"gender": "female", "accent": "scottish", "age": 30})]
    report, sink = rig.execute(writes)
    (record,) = rig.clones("anna")
    assert record["metadata"] == {
        "gender": "female",
        "accent": "scottish",
        "age": 30,
        "languageCode": "en-GB",
        "managed_by": MARKER,
        "voicectl_files": files_stamp(writes[0]),
    }
    uploaded = [e.file_id for e in sink.events if isinstance(e, Uploaded)]
    assert record["filesUsed"] == uploaded
    names = sorted(f["fileName"] for f in rig.state()["files"])
    expected = sorted(f.upload_name for f in writes[0].files)
    assert names == expected
    assert report.voices[0].request_ids  # the POSTs' request ids, for support tickets


def test_a_file_shared_by_several_voices_is_uploaded_once(rig: Rig) -> None:
    shared = rig.wav("voices/shared/intro.wav")
    writes = [rig.declare(alias, 2, extra=(shared,)) for alias in ("anna", "bob", "carl", "dora")]
    report, _ = rig.execute(writes, concurrency=4)
    assert report.uploads.uploaded == 9
    assert len(rig.posts("/files")) == 9
    shared_ids = {f["fileId"] for f in rig.state()["files"] if f["fileName"] == shared.upload_name}
    assert len(shared_ids) == 1
    for alias in ("anna", "bob", "carl", "dora"):
        assert shared_ids <= set(rig.clones(alias)[0]["filesUsed"])
    one_record_per_alias(rig, ["anna", "bob", "carl", "dora"])


def test_files_already_in_the_folder_are_reused_by_content_addressed_name(rig: Rig) -> None:
    anna = rig.declare("anna")
    rig.execute([anna])
    bob = rig.declare("bob", 1, extra=anna.files[:2])
    rig.clear_requests()
    report, sink = rig.execute([bob])
    assert (report.uploads.uploaded, report.uploads.reused) == (1, 2)
    assert len(rig.posts("/files")) == 1
    reused = [e for e in sink.events if isinstance(e, UploadSkipped)]
    assert [e.reason for e in reused] == ["already uploaded", "already uploaded"]


def test_our_record_found_by_read_back_is_adopted_without_a_post(rig: Rig) -> None:
    record = {"alias": "anna", "status": "succeeded", "metadata": {"managed_by": MARKER}}
    rig.post("/clones", record)
    rig.clear_requests()
    report, sink = rig.execute([rig.declare("anna")])
    assert report.voices[0].outcome is Outcome.ADOPTED
    assert report.exit_code == 0 and report.credits_spent == 0
    assert rig.posts() == []
    adopted = [e for e in sink.events if isinstance(e, Adopted)]
    assert [(e.alias, e.reason) for e in adopted] == [("anna", "already exists")]


def test_a_foreign_marker_fails_that_voice_and_the_others_proceed(rig: Rig) -> None:
    rig.post("/clones", {"alias": "anna", "metadata": {"managed_by": "voicectl:other"}})
    report, _ = rig.execute([rig.declare("anna"), rig.declare("bob")])
    anna, bob = report.voices
    assert (anna.outcome, anna.reason) == (Outcome.FAILED, "alias taken (held by voicectl:other)")
    assert bob.outcome is Outcome.SUCCEEDED
    assert report.exit_code == 5
    assert len(rig.posts()) == 1
    (record,) = rig.clones("anna")
    assert record["metadata"] == {"managed_by": "voicectl:other"}


def test_an_unmarked_record_is_not_ours(rig: Rig) -> None:
    rig.post("/clones", {"alias": "anna", "status": "in_progress", "metadata": {}})
    report, _ = rig.execute([rig.declare("anna")])
    assert report.voices[0].reason == "alias taken (held by a clone voicectl does not manage)"
    assert rig.posts() == []


def test_adopt_force_takes_over_a_foreign_record(rig: Rig) -> None:
    from dataclasses import replace

    rig.post("/clones", {"alias": "anna", "metadata": {"managed_by": "voicectl:other"}})
    report, _ = rig.execute([replace(rig.declare("anna"), adopt="force")])
    assert report.voices[0].outcome is Outcome.ADOPTED
    assert rig.posts() == []


def test_alias_held_by_another_organisation_fails_after_the_409(rig: Rig) -> None:
    rig.post("/clones", {"alias": "anna", "foreign": True, "metadata": {"managed_by": MARKER}})
    report, _ = rig.execute([rig.declare("anna"), rig.declare("bob")])
    anna, bob = report.voices
    assert (anna.outcome, anna.reason) == (
        Outcome.FAILED,
        "alias taken by another user or organisation: choose another alias (hint: rename "
        "`alias:` in voices/anna.yaml to a free name; `replaces:` is not needed for a voice "
        "that was never created)",
    )
    assert bob.outcome is Outcome.SUCCEEDED
    assert sorted(r["status"] for r in rig.posts()) == [202, 409]
    assert report.exit_code == 5


def test_our_failed_record_does_not_block_a_new_create(rig: Rig) -> None:
    rig.post("/clones", {"alias": "anna", "status": "failed", "metadata": {"managed_by": MARKER}})
    report, _ = rig.execute([rig.declare("anna")])
    assert report.voices[0].outcome is Outcome.SUCCEEDED
    assert [c["status"] for c in rig.clones("anna")] == ["failed", "succeeded"]


def test_no_writes_means_no_requests(rig: Rig) -> None:
    report, sink = rig.execute([])
    assert report.voices == () and report.exit_code == 0
    assert rig.requests() == [] and sink.events == ()
