"""planfile: atomic write, validated read, and the stale-plan check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.model.errors import PlanFileError, StalePlanError
from reconciler.plan.planfile import (
    MAX_PLAN_BYTES,
    SavedPlan,
    check_fresh,
    plan_schema_text,
    read_plan,
    validate_plan_data,
    write_plan,
)
from tests.support.planbuild import clone, declaration, plan_of, state
from tests.support.planschema import assert_valid_plan_json

CREATED = "2026-11-25T10:00:00Z"
GIT = {"head": "4be1c0d", "base": None}


def saved_plan(tmp_path: Path, *aliases: str) -> SavedPlan:
    plan = plan_of([declaration(a) for a in aliases], state())
    path = tmp_path / "plan.json"
    write_plan(plan, path, created_at=CREATED, git=GIT)
    return read_plan(path)


def test_write_plan_writes_sorted_indented_json_and_no_temp_file(tmp_path: Path) -> None:
    plan = plan_of([declaration("anna")], state())
    path = tmp_path / "plan.json"
    written = write_plan(plan, path, created_at=CREATED, git=GIT, api_url="http://127.0.0.1:1")
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == written
    assert text == json.dumps(written, sort_keys=True, indent=2) + "\n"
    assert_valid_plan_json(text)
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_write_plan_removes_its_temp_file_when_the_rename_fails(tmp_path: Path) -> None:
    (tmp_path / "plan.json").mkdir()
    with pytest.raises(IsADirectoryError):
        write_plan(plan_of([], state()), tmp_path / "plan.json", created_at=CREATED)
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_read_plan_round_trips_a_written_plan(tmp_path: Path) -> None:
    saved = saved_plan(tmp_path, "anna", "bob")
    assert saved.path == str(tmp_path / "plan.json")
    assert (saved.target, saved.blocked) == ("default", False)
    assert saved.checksum == plan_of([declaration("anna"), declaration("bob")], state()).checksum()
    assert saved.action_set() == (
        "create anna (voice_engine_3, 300 credits)",
        "create bob (voice_engine_3, 300 credits)",
    )


def test_read_plan_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError) as info:
        read_plan(tmp_path / "nope.json")
    assert (
        str(info.value)
        == f"{tmp_path / 'nope.json'}: cannot read the plan file: No such file or directory"
    )


def test_read_plan_reports_invalid_json_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{\n  "a": ,\n}')
    with pytest.raises(PlanFileError) as info:
        read_plan(path)
    assert str(info.value) == f"{path}:2:8: not valid JSON: Expecting value"


def test_read_plan_reports_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(PlanFileError, match=r"plan\.json: not UTF-8 text$"):
        read_plan(path)


def test_read_plan_refuses_a_file_over_the_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    with open(path, "wb") as handle:
        handle.truncate(MAX_PLAN_BYTES + 1)  # sparse: no real 64 MiB on disk
    with pytest.raises(PlanFileError) as info:
        read_plan(path)
    assert str(info.value) == f"{path}: plan file larger than 67,108,864 bytes"


def test_read_plan_refuses_other_format_versions_and_non_objects() -> None:
    with pytest.raises(PlanFileError) as info:
        validate_plan_data({"format_version": 2}, "p.json")
    assert str(info.value) == "p.json: unsupported plan format_version 2 (this voicectl reads 1)"
    with pytest.raises(PlanFileError) as info:
        validate_plan_data([1], "p.json")
    assert str(info.value) == "p.json: not a voicectl plan (expected a JSON object)"


def test_read_plan_reports_the_first_schema_error_and_how_many_more(tmp_path: Path) -> None:
    data = plan_of([declaration("anna")], state()).to_dict(created_at=CREATED)
    data["actions"][0]["action"] = "delete"
    data["owner"] = 7
    with pytest.raises(PlanFileError) as info:
        validate_plan_data(data, "p.json")
    assert str(info.value) == (
        "p.json: not a valid voicectl plan: $.actions[0].action: 'delete' is not one of "
        "['create', 'adopt', 'drift', 'replace', 'pending', 'failed', 'orphan', 'unmanaged', "
        "'blocked', 'noop'] (and 1 more)"
    )


def test_read_plan_refuses_a_plan_whose_actions_were_edited(tmp_path: Path) -> None:
    saved = saved_plan(tmp_path, "anna")
    data = json.loads(Path(saved.path).read_text())
    data["actions"][0]["credits"] = 1
    Path(saved.path).write_text(json.dumps(data))
    with pytest.raises(PlanFileError) as info:
        read_plan(saved.path)
    assert str(info.value) == (
        f"{saved.path}: the checksum does not match the plan's actions (was the file edited?)"
    )


def test_check_fresh_accepts_a_plan_with_the_same_checksum(tmp_path: Path) -> None:
    saved = saved_plan(tmp_path, "anna")
    check_fresh(saved, plan_of([declaration("anna")], state()))
    check_fresh(saved.checksum, plan_of([declaration("anna")], state()))


def test_check_fresh_prints_both_action_lists_when_stale(tmp_path: Path) -> None:
    saved = saved_plan(tmp_path, "anna", "bob")
    anna = declaration("anna")
    fresh = plan_of([anna, declaration("bob")], state(clone(anna), uploaded=[anna]))
    with pytest.raises(StalePlanError) as info:
        check_fresh(saved, fresh)
    assert info.value.exit_code == 3
    assert str(info.value) == "\n".join(
        [
            "the saved plan is stale: a fresh plan differs, so nothing was written",
            f"  saved plan {saved.checksum} ({saved.path}):",
            "    create anna (voice_engine_3, 300 credits)",
            "    create bob (voice_engine_3, 300 credits)",
            f"  fresh plan {fresh.checksum()}:",
            "    create bob (voice_engine_3, 300 credits)",
            "  hint: run `voicectl plan --out plan.json` again, review it, and apply the new file",
        ]
    )


def test_check_fresh_says_a_replayed_plan_has_no_writes_left(tmp_path: Path) -> None:
    saved = saved_plan(tmp_path, "anna")
    anna = declaration("anna")
    with pytest.raises(StalePlanError) as info:
        check_fresh(saved.checksum, plan_of([anna], state(clone(anna), uploaded=[anna])))
    lines = str(info.value).splitlines()
    assert lines[1:5] == [
        f"  expected checksum {saved.checksum}:",
        "    (only the checksum is known)",
        f"  fresh plan {plan_of([], state()).checksum()}:",
        "    (no writes)",
    ]


def test_check_fresh_explains_same_actions_with_different_content(tmp_path: Path) -> None:
    saved = saved_plan(tmp_path, "anna")
    with pytest.raises(StalePlanError) as info:
        check_fresh(saved, plan_of([declaration("anna", metadata={"x": 1})], state()))
    assert "  same actions, but their files, consent or metadata differ" in str(info.value)


def test_check_fresh_names_a_different_target(tmp_path: Path) -> None:
    saved = saved_plan(tmp_path, "anna")
    with pytest.raises(StalePlanError) as info:
        check_fresh(saved, plan_of([declaration("anna")], state(), target="prod"))
    assert "  target differs: saved default, fresh prod" in str(info.value)


def test_plan_schema_is_valid_for_draft_2020_12_and_draft_07() -> None:
    from jsonschema import Draft7Validator, Draft202012Validator

    schema = json.loads(plan_schema_text())
    Draft202012Validator.check_schema(schema)
    Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "$id" not in schema


def test_plan_schema_describes_every_property() -> None:
    schema = json.loads(plan_schema_text())
    missing: list[str] = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if isinstance(sub, dict) and "description" not in sub and "$ref" not in sub:
                    missing.append(f"{where}.{name}")
            for key, sub in node.items():
                walk(sub, f"{where}.{key}")
        elif isinstance(node, list):
            for index, sub in enumerate(node):
                walk(sub, f"{where}[{index}]")

    walk(schema, "$")
    assert missing == []


def test_plan_schema_validates_the_same_under_draft_07() -> None:
    from jsonschema import Draft7Validator

    data = plan_of([declaration("anna")], state()).to_dict(created_at=CREATED)
    validator = Draft7Validator(json.loads(plan_schema_text()))
    assert list(validator.iter_errors(data)) == []
    data["actions"][0]["consent"] = {"path": 1}
    assert list(validator.iter_errors(data)) != []
