"""diff.compare beyond one voice: orphans, unmanaged voices and the scope, the budget, and
the plan's shape (sorting, target, owner, clone metadata, fingerprint), on hand-built values."""

from __future__ import annotations

from dataclasses import replace

from reconciler.model.values import Alias
from reconciler.plan.diff import INCOMPLETE_NOTE, ORPHAN_REASON, clone_metadata
from reconciler.plan.stamp import files_stamp
from reconciler.plan.value import Action
from tests.support.planbuild import (
    FOREIGN,
    MARKER,
    OWNER,
    clone,
    declaration,
    local,
    only,
    plan_of,
    state,
)

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
