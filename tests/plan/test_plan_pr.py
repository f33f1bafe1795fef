"""diff.compare_pr: PR changes vs pre-existing drift, protect, and edits of drifted aliases."""

from __future__ import annotations

from dataclasses import replace

from reconciler.model.values import Alias
from reconciler.plan.policy import IMMUTABLE_HINT
from reconciler.plan.value import Action, Origin
from tests.support.planbuild import clone, declaration, local, pr_plan_of, state


def test_compare_pr_marks_changes_also_in_the_base_plan_as_pre_existing() -> None:
    old, new = declaration("old"), declaration("new")
    plan = pr_plan_of([old, new], [old], state())
    assert plan.base_compared is True
    assert [(c.alias, c.action, c.origin) for c in plan.changes] == [
        ("new", Action.CREATE, Origin.PR),
        ("old", Action.CREATE, Origin.EXISTING),
    ]


def test_compare_pr_does_not_block_drift_that_is_only_pre_existing() -> None:
    anna = declaration("anna", metadata={"accent": "british"})
    remote = state(clone(anna, metadata={"accent": "scottish"}), uploaded=[anna])
    plan = pr_plan_of([anna], [anna], remote)
    change = plan.changes[0]
    assert (change.action, change.origin, plan.blocked) == (Action.DRIFT, Origin.EXISTING, False)


def test_compare_pr_blocks_drift_on_an_alias_the_pr_edits() -> None:
    base = declaration("anna", metadata={"accent": "british"})
    head = declaration("anna", metadata={"accent": "irish"})
    remote = state(clone(base), uploaded=[base])
    plan = pr_plan_of([head], [base], remote)
    change = plan.changes[0]
    assert (change.action, change.intended, change.origin) == (
        Action.BLOCKED,
        Action.DRIFT,
        Origin.PR,
    )
    assert change.blocked_reason == IMMUTABLE_HINT
    assert change.blocked_reason == "immutable field changed: use a new alias with replaces:"
    assert plan.exit_reason == "blocked"


def test_compare_pr_ignores_a_moved_declaration_with_the_same_content() -> None:
    base = declaration("anna", metadata={"accent": "british"})
    moved = replace(base, source=replace(base.source, path="voices/other.yaml", line=9))
    remote = state(clone(base, metadata={"accent": "scottish"}), uploaded=[base])
    plan = pr_plan_of([moved], [base], remote)
    assert (plan.changes[0].action, plan.blocked) == (Action.DRIFT, False)


def test_compare_pr_blocks_a_new_declaration_that_drifts_from_an_existing_voice() -> None:
    anna = declaration("anna")
    remote = state(clone(anna, managed_by=None, engine="voice_engine_2"), uploaded=[anna])
    plan = pr_plan_of([anna], [], remote)
    assert plan.changes[0].blocked_reason == IMMUTABLE_HINT


def test_compare_pr_blocks_deleting_a_protected_declaration_of_our_voice() -> None:
    anna = declaration("anna", protect=True)
    plan = pr_plan_of([], [anna], state(clone(anna), uploaded=[anna]))
    change = plan.changes[0]
    assert (change.action, change.intended, change.origin) == (
        Action.BLOCKED,
        Action.ORPHAN,
        Origin.PR,
    )
    assert change.blocked_reason == (
        "protected voice anna: its declaration was deleted (protect: true)"
    )


def test_compare_pr_blocks_deleting_a_protected_declaration_not_on_the_remote() -> None:
    anna = declaration("anna", protect=True)
    plan = pr_plan_of([], [anna], state())
    change = plan.changes[0]
    assert (change.alias, change.action, change.intended, change.declared) == (
        "anna",
        Action.BLOCKED,
        None,
        anna,
    )
    assert change.reasons == ("declaration deleted",)
    assert plan.blocked


def test_compare_pr_blocks_changing_the_files_of_a_protected_declaration() -> None:
    base = declaration("anna", protect=True)
    head = replace(base, files=(*base.files, local("voices/audio/anna/take-9.wav")))
    plan = pr_plan_of([head], [base], state())
    change = plan.changes[0]
    assert (change.intended, change.blocked_reason) == (
        Action.CREATE,
        "protected voice anna: engine or files changed",
    )


def test_compare_pr_allows_editing_metadata_of_a_protected_voice_not_yet_created() -> None:
    base = declaration("anna", protect=True, metadata={"a": 1})
    head = declaration("anna", protect=True, metadata={"a": 2})
    plan = pr_plan_of([head], [base], state())
    assert (plan.changes[0].action, plan.changes[0].origin) == (Action.CREATE, Origin.PR)


def test_compare_pr_blocks_replacing_a_voice_protected_on_the_base() -> None:
    old = declaration("anna-old", protect=True)
    new = declaration("anna-new", replaces=Alias("anna-old"))
    plan = pr_plan_of([new], [old], state(clone(old), uploaded=[old]))
    by_alias = {c.alias: c for c in plan.changes}
    assert by_alias["anna-new"].intended is Action.REPLACE
    assert by_alias["anna-new"].blocked_reason == "replaces protected voice anna-old"
    assert by_alias["anna-old"].blocked_reason == (
        "protected voice anna-old: its declaration was deleted (protect: true)"
    )


def test_compare_pr_keeps_the_first_block_and_makes_it_the_prs() -> None:
    misc = declaration("misc", protect=True)
    edited = replace(misc, files=misc.files[:1])
    plan = pr_plan_of([edited], [misc], state(), scope=("team-*",))
    change = plan.changes[0]
    assert change.blocked_reason == "alias misc is outside this repository's scope"
    assert change.origin is Origin.PR


def test_compare_pr_budget_counts_only_the_head_plan() -> None:
    a, b = declaration("a"), declaration("b")
    plan = pr_plan_of([a, b], [a], state(), max_credits=600)
    assert (plan.cost, plan.blocked) == (600, False)


def test_compare_pr_marks_a_deleted_unprotected_declaration_as_the_prs_orphan() -> None:
    gone = declaration("gone")
    plan = pr_plan_of([], [gone], state(clone(gone), uploaded=[gone]))
    change = plan.changes[0]
    assert (change.action, change.origin, plan.blocked) == (Action.ORPHAN, Origin.PR, False)
