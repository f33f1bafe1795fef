"""plan.value.Plan: counts, JSON shape, checksum and action set."""

from __future__ import annotations

import re
from dataclasses import replace

from reconciler import __version__
from reconciler.model.errors import Diagnostic, Location, Severity
from reconciler.model.values import Alias, CloneId, RemoteClone
from reconciler.plan.value import (
    FORMAT_VERSION,
    Action,
    Change,
    Plan,
    canonical_json,
    checksum_of,
    write_lines,
)
from tests.support.planbuild import MARKER, OWNER, by_id, clone, declaration, local, plan_of, state
from tests.support.planschema import assert_valid_plan_json

CREATED = "2026-11-25T10:00:00Z"


def test_checksum_is_a_sha256_tag() -> None:
    plan = plan_of([declaration("anna")], state())
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", plan.checksum())


def test_checksum_is_stable_under_reordering_of_declarations_and_metadata() -> None:
    a = declaration("a", metadata={"x": 1, "y": "two"})
    b = declaration("b")
    a_reordered = replace(a, metadata={"y": "two", "x": 1})
    first = plan_of([a, b], state())
    second = plan_of([b, a_reordered], state())
    assert first.checksum() == second.checksum()


def test_checksum_changes_when_a_write_differs() -> None:
    anna = declaration("anna")
    base = plan_of([anna], state()).checksum()
    other_file = replace(anna, files=(local("voices/audio/anna/new.wav"),))
    other_meta = replace(anna, metadata={"gender": "male"})
    other_engine = replace(anna, engine="voice_engine_2")
    for variant in (other_file, other_meta, other_engine):
        assert plan_of([variant], state()).checksum() != base
    assert plan_of([anna], state(), target="staging").checksum() != base
    assert plan_of([anna], state(), max_credits=10).checksum() != base  # now blocked


def test_checksum_covers_the_consent_file() -> None:
    anna = declaration("anna", engine="voice_engine_2", consent=local("voices/c.wav"))
    other = replace(anna, consent=by_id("f-consent"))
    assert plan_of([anna], state()).checksum() != plan_of([other], state()).checksum()


def test_checksum_ignores_non_writes_and_already_uploaded_files() -> None:
    anna, bob = declaration("anna"), declaration("bob")
    plain = plan_of([anna], state())
    busier = plan_of([anna, bob], state(clone(bob, status="in_progress"), uploaded=[anna]))
    assert plain.checksum() == busier.checksum()


def test_checksum_of_an_empty_plan_depends_only_on_the_target() -> None:
    assert plan_of([], state()).checksum() == checksum_of("default", [])
    assert checksum_of("default", []) != checksum_of("prod", [])


def test_canonical_json_sorts_keys_without_spaces_in_utf8() -> None:
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()


def test_to_dict_has_the_documented_top_level_shape() -> None:
    anna = declaration("anna")
    plan = plan_of([anna], state())
    data = plan.to_dict(
        created_at=CREATED,
        git={"head": "4be1c0d", "base": None},
        api_url="https://v2.api.audio",
    )
    assert_valid_plan_json(data)
    assert data["format_version"] == FORMAT_VERSION == 1
    assert data["voicectl_version"] == __version__
    assert data["target"] == {"name": "default", "api_url": "https://v2.api.audio"}
    assert data["git"] == {"head": "4be1c0d", "base": None}
    assert (data["created_at"], data["owner"]) == (CREATED, OWNER)
    assert data["credits"] == {
        "cost": 300,
        "remaining": 10_000,
        "max": None,
        "balance_after": 9_700,
        "reserved": 0,
    }
    assert data["summary"]["create"] == 1 and sum(data["summary"].values()) == 1
    assert (data["exit_reason"], data["checksum"]) == ("changes", plan.checksum())
    action = data["actions"][0]
    assert action["source"] == {"path": "voices/anna.yaml", "line": 3}
    assert action["files"][0] == {
        "path": "voices/audio/anna/take-1.wav",
        "sha256": anna.files[0].audio.sha256,  # type: ignore[union-attr]
        "bytes": 100_000,
        "duration_s": 4.0,
        "file_id": None,
    }
    assert action["metadata"]["managed_by"] == MARKER


def test_to_dict_defaults_git_and_describes_undeclared_voices() -> None:
    gone = declaration("gone")
    data = plan_of([], state(clone(gone))).to_dict(created_at="")
    assert data["git"] == {"head": None, "base": None}
    action = data["actions"][0]
    assert (action["source"], action["files"], action["consent"], action["engine"]) == (
        None,
        [],
        None,
        "voice_engine_3",
    )
    assert action["remote"] == {
        "clone_id": "c-gone-succeeded",
        "status": "succeeded",
        "managed_by": MARKER,
        "fail_reason": None,
    }


def test_to_dict_lists_diagnostics_and_drift_fields() -> None:
    anna = declaration("anna", files=[local("voices/a.wav")])
    more = replace(anna, files=(*anna.files, local("voices/b.wav")))
    plan = plan_of([more], state(clone(anna), uploaded=[anna]))
    warning = Diagnostic(Location("voices/anna.yaml", 4, 3), Severity.WARNING, "short", "add audio")
    data = replace(plan, diagnostics=(warning,)).to_dict(created_at="")
    assert_valid_plan_json(data)
    assert data["diagnostics"] == [
        {
            "path": "voices/anna.yaml",
            "line": 4,
            "col": 3,
            "severity": "warning",
            "message": "short",
            "hint": "add audio",
            "code": "",
        }
    ]
    assert data["actions"][0]["fields"] == [
        {"path": "files", "declared": ["voices/b.wav"], "remote": []}
    ]


def test_change_engine_is_none_without_declaration_or_remote() -> None:
    change = Change(Action.BLOCKED, Alias("x"))
    assert (change.engine, change.effective) == (None, Action.BLOCKED)


def test_plan_counts_every_action_and_finds_changes_by_alias() -> None:
    record = RemoteClone(CloneId("c"), Alias("u"), "voice_engine_3", "succeeded")
    plan = Plan("default", OWNER, (Change(Action.UNMANAGED, Alias("u"), remote=record),))
    assert plan.counts[Action.UNMANAGED] == 1 and sum(plan.counts.values()) == 1
    assert plan.change_for("u") is plan.changes[0]
    assert plan.change_for("nope") is None


def test_action_set_lists_write_actions_sorted_by_alias() -> None:
    plan = plan_of([declaration("zed", engine="voice_engine_2"), declaration("anna")], state())
    assert plan.action_set() == (
        "create anna (voice_engine_3, 300 credits)",
        "create zed (voice_engine_2, 1,200 credits)",
    )
    blocked = plan_of([declaration("anna")], state(credits=0))
    assert blocked.action_set() == ("blocked create anna (voice_engine_3, 300 credits)",)
    assert write_lines([]) == ()
