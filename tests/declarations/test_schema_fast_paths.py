"""The hand-written fast paths of the voice and project schemas: a fuzzed document they
accept is always one the schema accepts."""

from __future__ import annotations

import random
from typing import Any

from reconciler.declarations.projectshape import project_checker
from reconciler.declarations.schemacheck import (
    compiled_validator,
    load_schema,
    voice_shape_ok,
)

GOOD = """\
version: 1
alias: anna-en
engine: voice_engine_3
language: en-GB
files:
  - audio/a.wav
"""


def _mutate(rng: random.Random, data: dict[str, Any]) -> dict[str, Any]:
    values: list[Any] = [
        None,
        True,
        1,
        1.5,
        "",
        "x",
        "anna-en",
        "voice_engine_2",
        "en",
        [],
        {},
        ["a.wav"],
        [{"file_id": "6f1d2c1e-8a4b-4f7e-9a51-2a3e0c9d7b10"}],
        {"file_id": "x"},
        "force",
        {"a": "b"},
        {"managed_by": "x"},
        ["metadata.x"],
        ["default"],
        "a" * 300,
        "ab\n",
    ]
    keys = [*load_schema("voice")["properties"], "enigne", "extra"]
    out = dict(data)
    for _ in range(rng.randint(1, 3)):
        key = rng.choice(keys)
        if rng.random() < 0.2:
            out.pop(key, None)
        else:
            out[key] = rng.choice(values)
    return out


def test_fast_path_never_accepts_what_the_schema_rejects() -> None:
    rng = random.Random(7)
    base = {
        "version": 1,
        "alias": "anna-en",
        "engine": "voice_engine_3",
        "language": "en-GB",
        "files": ["a.wav", {"file_id": "6f1d2c1e-8a4b-4f7e-9a51-2a3e0c9d7b10"}],
        "metadata": {"gender": "f", "age": 3, "ok": True},
        "ignore": ["metadata.gender"],
        "targets": ["default"],
        "adopt": "force",
        "protect": True,
    }
    validator = compiled_validator("voice")
    accepted = 0
    for _ in range(3000):
        data = _mutate(rng, base)
        if voice_shape_ok(data):
            accepted += 1
            assert list(validator.iter_errors(data)) == [], data
    assert voice_shape_ok(base)
    assert accepted > 100


PROJECT_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    2.5,
    "",
    "acme/voices",
    "../up",
    "a" * 201,
    "error",
    "loud",
    [],
    ["acme-*"],
    ["Bad Glob"],
    {},
    {"prod": {"api_url": "https://api.example"}},
    {"prod": {"api_url": "ftp://x"}},
    {"Bad": {}},
    {"prod": {"org_id": "o" * 129}},
    {"prod": {"api_key": "k"}},
    {"prod": {"max_credits": -5}},
    {"enabled": False},
    {"strict": "yes"},
    {"checks": {"peak": "warning", "rms_low": {"threshold": -30}}},
    {"checks": {"peak": {}}},
    {"checks": {"peak": {"level": ["x"]}}},
    {"checks": {"nope": "off"}},
]


def test_the_project_fast_path_never_accepts_what_the_schema_rejects() -> None:
    """voicectl.yaml is checked without jsonschema when valid (issue 15 item 4); the
    hand-written check is stricter than the schema, never looser."""
    rng = random.Random(15)
    base = {
        "owner": "acme/voices",
        "voices_dir": "voices",
        "remote_folder": "voicectl",
        "max_credits": 3000,
        "scope": ["acme-*"],
        "targets": {"prod": {"api_url": "https://api.example", "api_key_env": "PROD_KEY"}},
        "quality": {"strict": True, "checks": {"peak": {"threshold": -2, "level": "error"}}},
    }
    fast, validator = project_checker(load_schema("project")), compiled_validator("project")
    keys = [*load_schema("project")["properties"], "extra"]
    accepted = 0
    for _ in range(3000):
        data = dict(base)
        for _ in range(rng.randint(1, 2)):
            data[rng.choice(keys)] = rng.choice(PROJECT_VALUES)
        if fast(data):
            accepted += 1
            assert list(validator.iter_errors(data)) == [], data
    assert fast(base) and fast({}) and fast({"quality": False})
    assert accepted > 100
