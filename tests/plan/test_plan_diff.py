"""diff.compare: create, no-op, adopt and drift, one test per rule of behaviour.md §4–5, on
hand-built values (failed, pending and replace: test_plan_lifecycle.py; orphans, scope,
budget and the plan's shape: test_plan_scope_and_budget.py)."""

from __future__ import annotations

from dataclasses import replace

from reconciler.model.values import Alias, FileId, RemoteFile
from reconciler.plan.diff import DRIFT_HINT
from reconciler.plan.stamp import files_stamp
from reconciler.plan.value import Action, FieldDiff
from tests.support.planbuild import (
    FOREIGN,
    MARKER,
    by_id,
    clone,
    declaration,
    local,
    only,
    plan_of,
    remote_file,
    state,
)

# --- create -------------------------------------------------------------------------------


def test_compare_plans_create_when_alias_is_not_on_the_remote() -> None:
    anna = declaration("anna")
    plan = plan_of([anna], state())
    change = only(plan.changes)
    assert (change.action, change.credits, change.reasons) == (
        Action.CREATE,
        300,
        ("not on the remote",),
    )
    assert change.metadata == {
        "gender": "female",
        "languageCode": "en-GB",
        "managed_by": MARKER,
        "voicectl_files": files_stamp(anna),
    }
    assert plan.writes == (change,)
    assert (plan.cost, plan.has_changes, plan.exit_reason, plan.blocked) == (
        300,
        True,
        "changes",
        False,
    )
    assert plan.balance_after == 9_700


def test_compare_charges_1200_credits_for_voice_engine_2() -> None:
    plan = plan_of([declaration("bob", engine="voice_engine_2")], state())
    assert only(plan.changes).credits == 1200


def test_compare_charges_nothing_for_an_unknown_engine() -> None:
    plan = plan_of([declaration("bob", engine="voice_engine_9")], state())
    assert only(plan.changes).credits == 0


def test_compare_records_files_already_uploaded_by_content_name() -> None:
    anna = declaration("anna")
    half = replace(anna, files=anna.files[:1])
    plan = plan_of([anna], state(uploaded=[half]))
    first = anna.files[0]
    assert only(plan.changes).uploaded == ((first.upload_name, remote_file(first).file_id),)
    files = plan.to_dict(created_at="")["actions"][0]["files"]
    assert [f["file_id"] for f in files] == [remote_file(first).file_id, None]


def test_compare_ignores_uploads_that_are_not_finished() -> None:
    anna = declaration("anna")
    pending = remote_file(anna.files[0], status="pending")
    plan = plan_of([anna], state(extra_files=[pending]))
    assert only(plan.changes).uploaded == ()


def test_compare_treats_an_alias_with_no_records_as_absent() -> None:
    anna = declaration("anna")
    remote = replace(state(), clones={Alias("anna"): (), Alias("ghost"): ()})
    plan = plan_of([anna], remote)
    assert [(c.alias, c.action) for c in plan.changes] == [("anna", Action.CREATE)]


# --- noop / adopt / blocked adopt ----------------------------------------------------------


def test_compare_marks_noop_when_our_voice_matches() -> None:
    anna = declaration("anna")
    plan = plan_of([anna], state(clone(anna), uploaded=[anna]))
    change = only(plan.changes)
    assert (change.action, change.reasons, change.credits) == (Action.NOOP, (), 0)
    assert (plan.has_changes, plan.exit_reason, plan.cost) == (False, "no_changes", 0)


def test_compare_adopts_an_unmarked_voice_that_matches_and_it_is_not_a_change() -> None:
    anna = declaration("anna", files=[by_id("f-web-1"), by_id("f-web-2")])  # made elsewhere
    plan = plan_of([anna], state(clone(anna, managed_by=None)))
    change = only(plan.changes)
    assert (change.action, change.reasons) == (
        Action.ADOPT,
        ("matches the declaration; not stamped by voicectl",),
    )
    assert (plan.has_changes, plan.exit_reason) == (False, "no_changes")


def test_compare_blocks_adopting_a_voice_stamped_by_another_owner() -> None:
    anna = declaration("anna")
    plan = plan_of([anna], state(clone(anna, managed_by=FOREIGN), uploaded=[anna]))
    change = only(plan.changes)
    assert (change.action, change.intended) == (Action.BLOCKED, Action.ADOPT)
    assert change.blocked_reason == f"stamped by {FOREIGN}; add `adopt: force` to adopt it"
    assert (plan.blocked, plan.exit_reason, plan.blocked_reasons) == (True, "blocked", ())


def test_compare_adopts_a_foreign_voice_with_adopt_force() -> None:
    anna = declaration("anna", adopt="force")
    plan = plan_of([anna], state(clone(anna, managed_by=FOREIGN), uploaded=[anna]))
    change = only(plan.changes)
    assert (change.action, change.reasons) == (
        Action.ADOPT,
        (f"stamped by {FOREIGN}; adopted with `adopt: force`",),
    )


# --- drift --------------------------------------------------------------------------------


def test_compare_marks_drift_when_metadata_differs() -> None:
    anna = declaration("anna", metadata={"gender": "female", "accent": "british"})
    remote = clone(
        anna, metadata={"gender": "female", "accent": "scottish", "languageCode": "en-GB"}
    )
    change = only(plan_of([anna], state(remote, uploaded=[anna])).changes)
    assert change.action is Action.DRIFT
    assert change.fields == (FieldDiff("metadata.accent", "british", "scottish"),)
    assert change.reasons == ("differs from the declaration: metadata.accent",)
    assert change.hint == DRIFT_HINT.format(alias="anna")
    assert change.hint == "create a new alias with `replaces: anna` or add the field to `ignore:`"


def test_compare_marks_drift_when_the_engine_differs() -> None:
    anna = declaration("anna")
    remote = clone(anna, engine="voice_engine_2")
    change = only(plan_of([anna], state(remote, uploaded=[anna])).changes)
    assert change.fields == (FieldDiff("engine", "voice_engine_3", "voice_engine_2"),)


def test_compare_marks_drift_when_the_file_set_differs() -> None:
    anna = declaration("anna")
    more = replace(anna, files=(*anna.files, local("voices/audio/anna/take-3.wav")))
    change = only(plan_of([more], state(clone(anna), uploaded=[more])).changes)
    assert change.fields == (FieldDiff("files", ("voices/audio/anna/take-3.wav",), ()),)


def test_compare_counts_an_unknown_remote_file_id_as_different() -> None:
    anna = declaration("anna")
    remote = clone(anna, files_used=["f-unknown", *(remote_file(f).file_id for f in anna.files)])
    change = only(plan_of([anna], state(remote, uploaded=[anna])).changes)
    assert change.fields == (FieldDiff("files", (), ("f-unknown",)),)


def test_compare_counts_a_remote_file_without_a_content_name_as_different() -> None:
    anna = declaration("anna", files=[local("voices/a.wav")])
    odd = RemoteFile(FileId("f-odd"), "a.wav", None, 10, "uploaded")
    remote = clone(anna, files_used=["f-odd"])
    change = only(plan_of([anna], state(remote, extra_files=[odd])).changes)
    assert change.fields == (FieldDiff("files", ("voices/a.wav",), ("f-odd",)),)


def test_compare_matches_declared_file_ids_directly() -> None:
    anna = declaration("anna", files=[by_id("6f1d2c1e"), local("voices/a.wav")])
    plan = plan_of([anna], state(clone(anna), uploaded=[anna]))
    assert only(plan.changes).action is Action.NOOP


def test_compare_marks_an_unmarked_voice_that_differs_as_drift_not_adopt() -> None:
    anna = declaration("anna")
    remote = clone(anna, managed_by=None, engine="voice_engine_2")
    assert only(plan_of([anna], state(remote, uploaded=[anna])).changes).action is Action.DRIFT


def test_compare_names_the_foreign_owner_of_a_drifted_voice() -> None:
    anna = declaration("anna")
    remote = clone(anna, managed_by=FOREIGN, engine="voice_engine_2")
    change = only(plan_of([anna], state(remote, uploaded=[anna])).changes)
    assert change.reasons == ("differs from the declaration: engine", f"stamped by {FOREIGN}")


def test_compare_compares_language_as_metadata_language_code() -> None:
    anna = declaration("anna", language="en-GB")
    remote = clone(anna, metadata={"gender": "female", "languageCode": "en-US"})
    change = only(plan_of([anna], state(remote, uploaded=[anna])).changes)
    assert change.fields == (FieldDiff("language", "en-GB", "en-US"),)


def test_compare_reports_a_declared_key_missing_remotely_but_not_a_server_only_key() -> None:
    anna = declaration("anna", metadata={"gender": "female", "age": 30})
    remote = clone(anna, metadata={"gender": "female", "languageCode": "en-GB", "mood": "calm"})
    change = only(plan_of([anna], state(remote, uploaded=[anna])).changes)
    assert change.fields == (FieldDiff("metadata.age", 30, None),)


def test_compare_lists_each_key_when_no_metadata_key_is_shared() -> None:
    anna = declaration("anna", language="en-GB")
    remote = clone(anna, metadata={"source": "ui"})
    change = only(plan_of([anna], state(remote, uploaded=[anna])).changes)
    assert change.action is Action.DRIFT
    assert change.fields == (
        FieldDiff("language", "en-GB", None),
        FieldDiff("metadata.gender", "female", None),
    )


def test_compare_reports_a_string_versus_number_change_as_drift() -> None:
    anna = declaration("anna", metadata={"age": "30"})
    remote = clone(anna, metadata={"age": 30, "languageCode": "en-GB"})
    change = only(plan_of([anna], state(remote, uploaded=[anna])).changes)
    assert change.fields == (FieldDiff("metadata.age", "30", 30),)


def test_compare_shows_a_nested_remote_metadata_value_as_text() -> None:
    anna = declaration("anna", metadata={"extra": "x"})
    remote = clone(anna, metadata={"extra": {"a": 1}, "languageCode": "en-GB"})  # type: ignore[dict-item]
    change = only(plan_of([anna], state(remote, uploaded=[anna])).changes)
    assert change.fields == (FieldDiff("metadata.extra", "x", "{'a': 1}"),)


def test_compare_stable_diff_ints_floats_unicode_and_key_order_are_noop() -> None:
    anna = declaration(
        "anna", metadata={"rate": 1, "pitch": 0.5, "name": "Zo\u00eb", "caf\u00e9": "cr\u00e8me"}
    )
    remote = clone(
        anna,
        metadata={
            "languageCode": "en-GB",
            "cafe\u0301": "cre\u0300me",  # NFD key and value
            "name": "Zoe\u0308",
            "pitch": 0.5,
            "rate": 1.0,
        },
    )
    assert only(plan_of([anna], state(remote, uploaded=[anna])).changes).action is Action.NOOP


def test_compare_leaves_out_ignored_fields() -> None:
    anna = declaration(
        "anna",
        metadata={"accent": "british"},
        ignore=("metadata.accent", "language", "engine", "files"),
    )
    remote = clone(
        anna,
        engine="voice_engine_2",
        files_used=["f-other"],
        metadata={"accent": "scottish", "languageCode": "fr-FR"},
    )
    assert only(plan_of([anna], state(remote)).changes).action is Action.NOOP


def test_compare_ignores_all_metadata_with_ignore_metadata() -> None:
    anna = declaration("anna", metadata={"accent": "british"}, ignore=("metadata",))
    remote = clone(anna, metadata={"x": 1})
    assert only(plan_of([anna], state(remote, uploaded=[anna])).changes).action is Action.NOOP
