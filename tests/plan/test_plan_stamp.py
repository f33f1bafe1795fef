"""Drift is judged on what voicectl owns (plan/stamp.py): the files stamp written at create,
never `filesUsed` as the server rewrites it (issue 11 rows 1-2), and declared metadata keys
only; keys only the server has are shown with --detail full, never drift."""

from __future__ import annotations

from reconciler.plan.diff import clone_metadata
from reconciler.plan.stamp import base_file_id, files_stamp
from reconciler.plan.value import Action, FieldDiff
from reconciler.render.text import plan_lines
from tests.support.planbuild import MARKER, clone, declaration, local, plan_of, state


def stamped_clone(decl, **kwargs):  # type: ignore[no-untyped-def]
    """A record as voicectl created it: metadata = exactly what the create sent."""
    return clone(decl, metadata=clone_metadata(decl, "acme/voices"), managed_by=None, **kwargs)


def test_the_stamp_is_a_fingerprint_of_file_contents_not_names_or_order() -> None:
    one = declaration("anna", files=[local("a/take-1.wav"), local("a/take-2.wav")])
    renamed = declaration(
        "anna",
        files=[local("b/two.wav", seed="a/take-2.wav"), local("b/one.wav", seed="a/take-1.wav")],
    )
    other = declaration("anna", files=[local("a/take-1.wav"), local("a/take-3.wav")])
    assert files_stamp(one) == files_stamp(renamed) != files_stamp(other)
    assert files_stamp(one).startswith("v1:") and len(files_stamp(one)) == 35


def test_segment_ids_in_files_used_are_not_drift() -> None:
    anna = declaration("anna")
    ids = [r.file_id for r in state(uploaded=[anna]).files_by_id.values()]
    segments = [f"{fid}_{n}" for fid in ids for n in (0, 1)]  # the JS SDK's test mock
    plan = plan_of([anna], state(stamped_clone(anna, files_used=segments), uploaded=[anna]))
    assert [c.action for c in plan.changes] == [Action.NOOP]


def test_an_empty_files_used_is_not_drift_for_a_stamped_voice() -> None:
    anna = declaration("anna")
    plan = plan_of([anna], state(stamped_clone(anna, files_used=[]), uploaded=[anna]))
    assert [c.action for c in plan.changes] == [Action.NOOP]


def test_changed_audio_is_still_drift_on_a_stamped_voice() -> None:
    before = declaration("anna")
    after = declaration("anna", files=[local("voices/audio/anna/take-1.wav"), local("new.wav")])
    remote = state(stamped_clone(before), uploaded=[before, after])
    (change,) = plan_of([after], remote).changes
    assert change.action is Action.DRIFT
    (old,) = [f for f in before.files if f.path and f.path.endswith("take-2.wav")]
    assert change.fields == (FieldDiff("files", ("new.wav",), (old.upload_name,)),)


def test_segment_ids_map_back_to_their_file_only_when_that_file_is_known() -> None:
    known = {"f-1"}
    assert base_file_id("f-1_0", known) == "f-1"  # type: ignore[arg-type]
    assert base_file_id("f-1", known) == "f-1"  # type: ignore[arg-type]
    assert base_file_id("f-2_0", known) == "f-2_0"  # type: ignore[arg-type]


def test_server_metadata_keys_are_not_drift_and_show_with_detail_full() -> None:
    anna = declaration("anna")
    meta = {**clone_metadata(anna, "acme/voices"), "language": "multilingual", "accent": "x"}
    remote = state(clone(anna, metadata=meta, managed_by=None), uploaded=[anna])
    plan = plan_of([anna], remote)
    (change,) = plan.changes
    assert change.action is Action.NOOP
    full = [line.plain for line in plan_lines(plan, "full")]
    assert full == [
        "  · noop      anna  up to date",
        '              server metadata (not compared): accent="x", language="multilingual"',
        "No changes. 1 voice up to date.",
    ]
    assert [line.plain for line in plan_lines(plan)] == ["No changes. 1 voice up to date."]


def test_a_declared_key_the_server_changed_is_drift() -> None:
    anna = declaration("anna", metadata={"accent": "british"})
    meta = {**clone_metadata(anna, "acme/voices"), "accent": "multilingual"}
    remote = state(clone(anna, metadata=meta, managed_by=MARKER), uploaded=[anna])
    (change,) = plan_of([anna], remote).changes
    assert change.action is Action.DRIFT
    assert change.fields == (FieldDiff("metadata.accent", "british", "multilingual"),)
