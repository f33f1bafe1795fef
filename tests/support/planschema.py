"""`assert_valid_plan_json(d)`: validate any JSON plan against schemas/plan.schema.json.

Independent of the reconciler package (reads the schema file from the checkout), so every
test area can check the plans it produces:
`from tests.support.planschema import assert_valid_plan_json`.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "plan.schema.json"


@functools.cache
def plan_validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def assert_valid_plan_json(data: Any) -> None:
    """Fail with every schema error (path: message) when `data` is not a valid plan."""
    if isinstance(data, str | bytes):
        data = json.loads(data)
    errors = sorted(plan_validator().iter_errors(data), key=lambda e: [str(p) for p in e.path])
    problems = [f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in errors]
    assert problems == [], "plan JSON does not match plan.schema.json:\n" + "\n".join(problems)
