"""The fast path of voicectl.yaml: a hand-written check of the valid shapes, read from
schemas/project.schema.json, so a valid project file never imports or compiles jsonschema
(~40 ms on every command). Anything it does not accept goes to jsonschema, which words
the real messages; it never accepts what the schema rejects
(tests/declarations/test_schema.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]


def project_checker(schema: dict[str, Any]) -> Check:
    """A check that is True only for data `schema` (the project schema) accepts."""
    props, defs = schema["properties"], schema["$defs"]
    simple: dict[str, Check] = {
        "owner": _text(props["owner"]),
        "voices_dir": _text(props["voices_dir"]),
        "remote_folder": _text(props["remote_folder"]),
        "max_credits": _count,
        "scope": _globs(props["scope"]["items"]),
        "targets": _targets(props["targets"], defs["target"]),
        "quality": _quality(defs),
    }

    def check(data: Any) -> bool:
        if type(data) is not dict or not simple.keys() >= data.keys():
            return False  # api_key and unknown keys: jsonschema words them
        return all(simple[key](value) for key, value in data.items())

    return check


def _text(prop: dict[str, Any]) -> Check:
    fullmatch = re.compile(prop["pattern"]).fullmatch
    longest = prop.get("maxLength")

    def ok(value: Any) -> bool:
        if type(value) is not str or (longest is not None and len(value) > longest):
            return False
        return fullmatch(value) is not None

    return ok


def _count(value: Any) -> bool:
    return type(value) is int and value >= 0


def _globs(item: dict[str, Any]) -> Check:
    one = _text(item)
    return lambda value: type(value) is list and len(value) > 0 and all(map(one, value))


def _targets(prop: dict[str, Any], target: dict[str, Any]) -> Check:
    name = _text(prop["propertyNames"])
    fields: dict[str, Check] = {
        "api_url": _text(target["properties"]["api_url"]),
        "api_key_env": _text(target["properties"]["api_key_env"]),
        "max_credits": _count,
        "org_id": _limited(target["properties"]["org_id"]["maxLength"]),
    }

    def one(value: Any) -> bool:
        if type(value) is not dict or not fields.keys() >= value.keys():
            return False
        return all(fields[key](item) for key, item in value.items())

    def ok(value: Any) -> bool:
        if type(value) is not dict:
            return False
        return all(name(key) and one(item) for key, item in value.items())

    return ok


def _limited(longest: int) -> Check:
    return lambda value: type(value) is str and len(value) <= longest


def _quality(defs: dict[str, Any]) -> Check:
    block = defs["quality"]["oneOf"][1]["properties"]
    checks = frozenset(block["checks"]["properties"])
    levels = frozenset(defs["qualityCheck"]["oneOf"][0]["enum"])

    def level_or_limit(value: Any) -> bool:
        if type(value) is str:
            return value in levels
        if type(value) is not dict or not value or not {"threshold", "level"} >= value.keys():
            return False
        threshold, level = value.get("threshold", 0), value.get("level", "off")
        return type(threshold) in (int, float) and type(level) is str and level in levels

    def ok(value: Any) -> bool:
        if type(value) is bool:
            return True
        if type(value) is not dict or not {"enabled", "strict", "checks"} >= value.keys():
            return False
        if any(type(value[k]) is not bool for k in ("enabled", "strict") if k in value):
            return False
        named = value.get("checks", {})
        return (
            type(named) is dict
            and checks >= named.keys()
            and all(level_or_limit(item) for item in named.values())
        )

    return ok
