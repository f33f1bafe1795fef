"""A server that does not keep custom metadata (issue 11 row 5): a voice made from
voicectl's uploads whose stamp is gone is voicectl's, unchanged, said once in a note;
never adopted, re-created or orphaned (plan/provenance.py)."""

from __future__ import annotations

from reconciler.plan.change import Action, Change
from reconciler.plan.diff import LOST_REASON, UNDECLARED_LOST
from reconciler.plan.provenance import lost_stamp_note
from tests.support.planbuild import by_id, clone, declaration, plan_of, state


def only(changes: tuple[Change, ...]) -> Change:
    assert len(changes) == 1, changes
    return changes[0]


KEPT = {"gender": "female", "languageCode": "en-GB"}  # what the JS SDK's create body keeps


def test_a_voice_made_from_our_uploads_without_its_stamp_is_ours_and_unchanged() -> None:
    anna, bob = declaration("anna"), declaration("bob")
    records = [clone(d, managed_by=None, metadata=KEPT) for d in (anna, bob)]
    plan = plan_of([anna, bob], state(*records, uploaded=[anna, bob]))
    assert [(c.action, c.reasons) for c in plan.changes] == [
        (Action.NOOP, (LOST_REASON,)),
        (Action.NOOP, (LOST_REASON,)),
    ]
    assert plan.notes == (lost_stamp_note(["anna", "bob"]),)
    assert (plan.has_changes, plan.exit_reason) == (False, "no_changes")


def test_the_note_names_the_voices_once_in_the_singular_too() -> None:
    assert lost_stamp_note(["anna"]).startswith(
        "the server did not keep voicectl's metadata stamp on anna: it counts as voicectl's"
    )
    many = lost_stamp_note([f"v{n}" for n in range(7)])
    assert many.startswith(
        "the server did not keep voicectl's metadata stamp on v0, v1, v2, v3, v4"
    )
    assert " and 2 more: they count as voicectl's" in many


def test_a_declared_key_the_server_dropped_is_not_drift_but_a_changed_one_is() -> None:
    anna = declaration("anna", metadata={"gender": "female", "style": "calm"})
    lost = clone(anna, managed_by=None, metadata=KEPT)
    change = only(plan_of([anna], state(lost, uploaded=[anna])).changes)
    assert (change.action, change.reasons) == (
        Action.NOOP,
        (f"{LOST_REASON}; not kept by the server: metadata.style",),
    )
    changed = clone(anna, managed_by=None, metadata={**KEPT, "gender": "male"})
    drift = only(plan_of([anna], state(changed, uploaded=[anna])).changes)
    assert drift.action is Action.DRIFT
    assert [f.path for f in drift.fields] == ["metadata.gender"]


def test_an_undeclared_voice_made_from_our_uploads_is_unmanaged_never_an_orphan() -> None:
    anna = declaration("anna")
    plan = plan_of([], state(clone(anna, managed_by=None, metadata=KEPT), uploaded=[anna]))
    change = only(plan.changes)
    assert (change.action, change.reasons) == (Action.UNMANAGED, (UNDECLARED_LOST,))
    assert plan.notes == ()


def test_without_files_to_tell_by_an_unstamped_voice_is_not_taken_as_ours() -> None:
    """Files from elsewhere: adopted as before. No stamp and an empty filesUsed: nothing
    is left to compare the files by, so they differ (api-contract.md §8, still unknown)."""
    web = declaration("web", files=[by_id("f-web-1")])
    change = only(plan_of([web], state(clone(web, managed_by=None, metadata=KEPT))).changes)
    assert (change.action, change.reasons) == (
        Action.ADOPT,
        ("matches the declaration; not stamped by voicectl",),
    )
    anna = declaration("anna")
    empty = clone(anna, managed_by=None, metadata=KEPT, files_used=[])
    plan = plan_of([anna], state(empty, uploaded=[anna]))
    assert [(c.action, [f.path for f in c.fields]) for c in plan.changes] == [
        (Action.DRIFT, ["files"])
    ]
    assert plan.notes == ()


def test_once_any_record_keeps_a_stamp_an_unstamped_one_is_someone_elses() -> None:
    """A server keeps custom metadata or it does not: one stamped record proves it keeps
    them, so an unstamped voice made from voicectl's uploads was made by hand."""
    anna, bob = declaration("anna"), declaration("bob")
    records = [clone(anna, managed_by=None, metadata=KEPT), clone(bob)]
    plan = plan_of([anna, bob], state(*records, uploaded=[anna, bob]))
    assert [(c.alias, c.action) for c in plan.changes] == [
        ("anna", Action.ADOPT),
        ("bob", Action.NOOP),
    ]
    assert plan.notes == ()
