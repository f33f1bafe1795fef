"""diff.compare: one test per action and rule of behaviour.md §4–5, on hand-built values."""

from __future__ import annotations

from dataclasses import replace

from reconciler.model.values import Alias, FileId, RemoteFile
from reconciler.plan.diff import DRIFT_HINT, INCOMPLETE_NOTE, ORPHAN_REASON, clone_metadata
from reconciler.plan.stamp import files_stamp
from reconciler.plan.value import Action, Change, Discard, FieldDiff
from tests.support.planbuild import (
    FOREIGN,
    MARKER,
    OWNER,
    by_id,
    clone,
    declaration,
    local,
    plan_of,
    remote_file,
    state,
)


def only(plan_changes: tuple[Change, ...]) -> Change:
    assert len(plan_changes) == 1, plan_changes
    return plan_changes[0]


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


# --- orphan / unmanaged / scope -----------------------------------------------------------


def test_compare_marks_our_undeclared_voice_as_orphan_never_deleted() -> None:
    gone = declaration("gone")
    change = only(plan_of([], state(clone(gone))).changes)
    assert (change.action, change.credits, change.reasons) == (Action.ORPHAN, 0, (ORPHAN_REASON,))
    assert change.metadata["managed_by"] == MARKER


def test_compare_says_when_an_orphan_is_still_running() -> None:
    gone = declaration("gone")
    change = only(plan_of([], state(clone(gone, status="in_progress"))).changes)
    assert change.reasons == (ORPHAN_REASON, "clone in_progress")


def test_compare_marks_voices_not_ours_and_not_declared_as_unmanaged() -> None:
    a, b = declaration("a"), declaration("b")
    plan = plan_of([], state(clone(a, managed_by=None), clone(b, managed_by=FOREIGN)))
    assert [(c.alias, c.action, c.reasons) for c in plan.changes] == [
        ("a", Action.UNMANAGED, ("not declared and not stamped by voicectl",)),
        ("b", Action.UNMANAGED, (f"stamped by {FOREIGN}",)),
    ]
    assert plan.counts[Action.UNMANAGED] == 2


def test_compare_treats_our_voice_outside_the_scope_as_unmanaged() -> None:
    team, other = declaration("team-a"), declaration("misc")
    plan = plan_of([], state(clone(team), clone(other)), scope=("team-*",))
    assert [(c.alias, c.action) for c in plan.changes] == [
        ("misc", Action.UNMANAGED),
        ("team-a", Action.ORPHAN),
    ]


def test_compare_blocks_creating_a_declared_alias_outside_the_scope() -> None:
    misc, team = declaration("misc"), declaration("team-b")
    done = declaration("misc-done")
    remote = state(clone(done), uploaded=[done])
    plan = plan_of([misc, team, done], remote, scope=("team-*",))
    assert [(c.alias, c.action, c.blocked_reason) for c in plan.changes] == [
        ("misc", Action.BLOCKED, "alias misc is outside this repository's scope"),
        ("misc-done", Action.NOOP, None),
        ("team-b", Action.CREATE, None),
    ]


def test_compare_skips_orphans_and_unmanaged_when_the_listing_is_incomplete() -> None:
    gone, other = declaration("gone"), declaration("other")
    new = declaration("new", replaces=Alias("old"))
    old = declaration("old")
    remote = state(clone(gone), clone(other, managed_by=None), clone(old), complete=False)
    plan = plan_of([new], remote)
    assert [(c.alias, c.action) for c in plan.changes] == [
        ("new", Action.REPLACE),
        ("old", Action.ORPHAN),
    ]
    assert (plan.notes, plan.complete_listing) == ((INCOMPLETE_NOTE,), False)


# --- budget -------------------------------------------------------------------------------


def test_compare_blocks_every_write_when_cost_exceeds_max_credits() -> None:
    decls = [declaration(f"v{n}") for n in range(5)]
    running = declaration("run")
    plan = plan_of([*decls, running], state(clone(running, status="preparing")), max_credits=1000)
    blocked = [c for c in plan.changes if c.action is Action.BLOCKED]
    assert [(c.intended, c.credits) for c in blocked] == [(Action.CREATE, 300)] * 5
    assert blocked[0].blocked_reason == "over budget: cost 1,500 credits exceeds max credits 1,000"
    assert plan.blocked_reasons == ("cost 1,500 credits exceeds max credits 1,000",)
    assert (plan.cost, plan.exit_reason, plan.writes) == (1500, "blocked", ())
    assert plan.change_for("run") is not None
    assert plan.change_for("run").action is Action.PENDING  # type: ignore[union-attr]


def test_compare_blocks_writes_when_cost_exceeds_the_remaining_balance() -> None:
    plan = plan_of([declaration("a", engine="voice_engine_2")], state(credits=1000))
    assert plan.blocked_reasons == ("cost 1,200 credits exceeds the 1,000 credits remaining",)
    assert only(plan.changes).action is Action.BLOCKED


def test_compare_allows_a_cost_equal_to_the_budget() -> None:
    plan = plan_of([declaration("a")], state(credits=300), max_credits=300)
    assert (plan.blocked, plan.balance_after) == (False, 0)


def test_compare_without_a_known_balance_has_no_balance_after() -> None:
    plan = plan_of([declaration("a")], state(credits=None))
    assert (plan.blocked, plan.balance_after, plan.credits_remaining) == (False, None, None)


def test_compare_keeps_the_first_block_reason_when_also_over_budget() -> None:
    misc = declaration("misc")
    plan = plan_of([misc], state(credits=0), scope=("team-*",))
    change = only(plan.changes)
    assert change.blocked_reason == "alias misc is outside this repository's scope"
    assert plan.blocked_reasons == ("cost 300 credits exceeds the 0 credits remaining",)


# --- plan shape ---------------------------------------------------------------------------


def test_compare_sorts_changes_by_alias() -> None:
    decls = [declaration(a) for a in ("zed", "anna", "mia")]
    gone = declaration("bert")
    plan = plan_of(decls, state(clone(gone)))
    assert [c.alias for c in plan.changes] == ["anna", "bert", "mia", "zed"]


def test_compare_uses_the_policy_target_and_owner() -> None:
    plan = plan_of([], state(), target="staging")
    assert (plan.target, plan.owner, plan.changes) == ("staging", OWNER, ())


def test_clone_metadata_adds_language_code_and_marker() -> None:
    anna = declaration("anna", metadata={"gender": "female"}, language="de-DE")
    assert clone_metadata(anna, "x/y") == {
        "gender": "female",
        "languageCode": "de-DE",
        "managed_by": "voicectl:x/y",
        "voicectl_files": files_stamp(anna),
    }


def test_remote_fingerprint_follows_the_declared_aliases_remote_records() -> None:
    anna, other = declaration("anna"), declaration("other")
    first = plan_of([anna], state(clone(anna), uploaded=[anna]))
    same = plan_of([anna], state(clone(anna), clone(other), credits=5))
    changed = plan_of([anna], state(clone(anna, status="in_progress")))
    assert first.remote_fingerprint == same.remote_fingerprint
    assert first.remote_fingerprint != changed.remote_fingerprint
    assert first.remote_fingerprint.startswith("sha256:")


def test_compare_leaves_out_a_local_file_without_audio_facts() -> None:
    anna = declaration("anna", files=[local("voices/a.wav")])
    broken = replace(anna, files=(*anna.files, replace(local("voices/b.wav"), audio=None)))
    plan = plan_of([broken], state(clone(anna), uploaded=[anna]))
    assert only(plan.changes).action is Action.NOOP
