"""diff.compare on clones with a history: failed, pending and replaced voices (behaviour.md
§4–5), on hand-built values."""

from __future__ import annotations

from dataclasses import replace

from reconciler.model.values import Alias, FileId
from reconciler.plan.value import Action, Discard
from tests.support.planbuild import (
    FOREIGN,
    by_id,
    clone,
    declaration,
    local,
    only,
    plan_of,
    remote_file,
    state,
)

# --- failed -------------------------------------------------------------------------------


def test_compare_shows_failed_with_reason_and_discarded_files_when_unchanged() -> None:
    anna = declaration("anna", files=[local("voices/audio/anna/take-1.wav"), by_id("f-lost")])
    anna = replace(anna, files=(*anna.files, local("voices/audio/anna/take-2.wav")))
    short = remote_file(anna.files[2]).file_id
    record = clone(
        anna,
        status="failed",
        discarded={short: "too short: 1.2 s < 1.5 s", "f-lost": "unreadable audio"},
        fail_reason="not enough audio: 1.0 s used, 1.5 s required",
    )
    plan = plan_of([anna], state(record, uploaded=[anna]))
    change = only(plan.changes)
    assert change.action is Action.FAILED
    assert change.reasons == (
        "previous clone failed: not enough audio: 1.0 s used, 1.5 s required",
    )
    assert change.hint == "change the declaration or run with --retry-failed"
    assert change.discarded == (
        Discard(short, "voices/audio/anna/take-2.wav", "too short: 1.2 s < 1.5 s"),
        Discard(FileId("f-lost"), None, "unreadable audio"),
    )
    assert (plan.has_changes, plan.cost) == (False, 0)


def test_compare_creates_again_when_a_failed_declaration_changed() -> None:
    anna = declaration("anna")
    record = clone(anna, status="failed", fail_reason="bad audio")
    changed = replace(anna, files=(*anna.files, local("voices/audio/anna/take-3.wav")))
    change = only(plan_of([changed], state(record, uploaded=[changed])).changes)
    assert (change.action, change.credits, change.reasons) == (
        Action.CREATE,
        300,
        ("previous clone failed: bad audio", "declaration changed since"),
    )


def test_compare_retries_an_unchanged_failed_clone_with_retry_failed() -> None:
    anna = declaration("anna")
    record = clone(anna, status="failed")
    change = only(plan_of([anna], state(record, uploaded=[anna]), retry_failed=True).changes)
    assert (change.action, change.reasons) == (
        Action.CREATE,
        ("previous clone failed: no reason given", "retrying (--retry-failed)"),
    )


def test_compare_uses_the_newest_non_failed_record() -> None:
    anna = declaration("anna")
    failed = clone(anna, status="failed", clone_id="c1")
    plan = plan_of([anna], state(failed, clone(anna, clone_id="c2"), uploaded=[anna]))
    change = only(plan.changes)
    assert change.action is Action.NOOP
    assert change.remote is not None and change.remote.clone_id == "c2"


# --- pending ------------------------------------------------------------------------------


def test_compare_marks_pending_with_credits_on_success_not_in_cost() -> None:
    anna = declaration("anna", engine="voice_engine_2")
    for status in ("preparing", "in_progress"):
        plan = plan_of([anna], state(clone(anna, status=status), uploaded=[anna]))
        change = only(plan.changes)
        assert (change.action, change.credits) == (Action.PENDING, 1200)
        assert change.reasons == (f"clone {status}; picked up by the next run",)
        assert (plan.cost, plan.has_changes) == (0, False)


def test_compare_lists_discarded_files_of_a_pending_clone() -> None:
    anna = declaration("anna")
    gone = remote_file(anna.files[0]).file_id
    record = clone(anna, status="in_progress", discarded={gone: "too short: 1.2 s < 1.5 s"})
    change = only(plan_of([anna], state(record, uploaded=[anna])).changes)
    assert change.discarded == (
        Discard(gone, "voices/audio/anna/take-1.wav", "too short: 1.2 s < 1.5 s"),
    )


def test_compare_names_the_foreign_owner_of_a_pending_clone() -> None:
    anna = declaration("anna")
    record = clone(anna, status="preparing", managed_by=FOREIGN)
    change = only(plan_of([anna], state(record)).changes)
    assert change.reasons[1:] == (f"stamped by {FOREIGN}",)


# --- replace ------------------------------------------------------------------------------


def test_compare_plans_replace_and_orphans_the_old_alias() -> None:
    old = declaration("anna-old")
    new = declaration("anna-new", replaces=Alias("anna-old"))
    plan = plan_of([new], state(clone(old), uploaded=[old]))
    replace_change, orphan = plan.changes
    assert (replace_change.alias, replace_change.action, replace_change.credits) == (
        "anna-new",
        Action.REPLACE,
        300,
    )
    assert replace_change.reasons == (
        "not on the remote",
        "replaces anna-old; anna-old becomes an orphan",
    )
    assert (orphan.alias, orphan.action, orphan.credits) == ("anna-old", Action.ORPHAN, 0)
    assert (plan.cost, plan.has_changes) == (300, True)


def test_compare_replace_says_when_the_old_alias_is_not_on_the_remote() -> None:
    new = declaration("anna-new", replaces=Alias("anna-old"))
    change = only(plan_of([new], state()).changes)
    assert change.reasons[-1] == "replaces anna-old; anna-old is not on the remote"


def test_compare_blocks_replacing_a_protected_voice() -> None:
    old = declaration("anna-old", protect=True)
    new = declaration("anna-new", replaces=Alias("anna-old"))
    plan = plan_of([old, new], state(clone(old), uploaded=[old]))
    change = plan.change_for("anna-new")
    assert change is not None
    assert (change.action, change.intended, change.credits) == (
        Action.BLOCKED,
        Action.REPLACE,
        300,
    )
    assert change.blocked_reason == "replaces protected voice anna-old"
    assert plan.exit_reason == "blocked"


def test_compare_keeps_a_replacement_that_already_exists_as_a_normal_voice() -> None:
    old = declaration("anna-old")
    new = declaration("anna-new", replaces=Alias("anna-old"))
    plan = plan_of([new], state(clone(old), clone(new), uploaded=[old, new]))
    assert [(c.alias, c.action) for c in plan.changes] == [
        ("anna-new", Action.NOOP),
        ("anna-old", Action.ORPHAN),
    ]
