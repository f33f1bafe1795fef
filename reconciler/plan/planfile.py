"""Saved plan files: atomic write, schema-validated read, and the stale-plan check.

File I/O and jsonschema live here; the plan's JSON shape and checksum are defined once,
in plan.py and planjson.py. A saved plan is applied only when a fresh plan has the same checksum.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from reconciler.atomicfile import write_atomically
from reconciler.model.errors import PlanFileError, StalePlanError
from reconciler.plan.planjson import FORMAT_VERSION, checksum_of, write_lines
from reconciler.plan.value import Plan
from reconciler.redact import truncate

SCHEMA_NAME = "plan.schema.json"
MAX_PLAN_BYTES = 64 * 1024 * 1024  # a 2,000-voice plan is a few MB
STALE_HINT = "run `voicectl plan --out plan.json` again, review it, and apply the new file"


@dataclass(frozen=True, slots=True)
class SavedPlan:
    """A plan file that passed the schema and whose checksum matches its actions."""

    path: str
    data: Mapping[str, Any]

    @property
    def checksum(self) -> str:
        return str(self.data["checksum"])

    @property
    def target(self) -> str:
        return str(self.data["target"]["name"])

    @property
    def blocked(self) -> bool:
        return bool(self.data["blocked"])

    def action_set(self) -> tuple[str, ...]:
        return write_lines(self.data["actions"])


def plan_schema_text() -> str:
    """plan.schema.json from the wheel (reconciler/schemas) or the source checkout."""
    packaged = importlib.resources.files("reconciler").joinpath("schemas", SCHEMA_NAME)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    source = Path(__file__).resolve().parents[2] / "schemas" / SCHEMA_NAME
    return source.read_text(encoding="utf-8")


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(plan_schema_text()))


def write_plan(
    plan: Plan,
    path: str | os.PathLike[str],
    *,
    created_at: str,
    git: Mapping[str, str | None] | None = None,
    api_url: str | None = None,
) -> dict[str, Any]:
    """Write the JSON plan atomically (temp file, fsync, rename); return what was written."""
    data = plan.to_dict(created_at=created_at, git=git, api_url=api_url)
    text = json.dumps(data, sort_keys=True, indent=2) + "\n"
    write_atomically(path, text)
    return data


def _location(parts: Sequence[object]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def validate_plan_data(data: object, where: str = "plan") -> None:
    """Raise PlanFileError unless `data` is a version-1 plan whose checksum matches."""
    if not isinstance(data, dict):
        raise PlanFileError(f"{where}: not a voicectl plan (expected a JSON object)")
    version = data.get("format_version")
    if version is None:  # some other JSON file, not an old or new plan
        raise PlanFileError(
            f"{where}: not a voicectl plan (no format_version)\n"
            "  hint: make one with `voicectl plan --out plan.json`"
        )
    if version != FORMAT_VERSION:
        raise PlanFileError(
            f"{where}: unsupported plan format_version {version!r} "
            f"(this voicectl reads {FORMAT_VERSION})"
        )
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.path])
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        message = truncate(first.message, 200)
        raise PlanFileError(
            f"{where}: not a valid voicectl plan: {_location(first.path)}: {message}{more}"
        )
    if checksum_of(data["target"]["name"], data["actions"]) != data["checksum"]:
        raise PlanFileError(
            f"{where}: the checksum does not match the plan's actions (was the file edited?)"
        )


def read_plan(path: str | os.PathLike[str], *, shown: str | None = None) -> SavedPlan:
    """Read and validate a plan file (schema, format version, checksum). Messages name it
    `shown` (the path as the user typed it) when given."""
    where = os.fspath(path) if shown is None else shown
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_PLAN_BYTES + 1)
    except OSError as exc:
        raise PlanFileError(f"{where}: cannot read the plan file: {exc.strerror}") from exc
    if len(raw) > MAX_PLAN_BYTES:
        raise PlanFileError(f"{where}: plan file larger than {MAX_PLAN_BYTES:,} bytes")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PlanFileError(f"{where}: not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise PlanFileError(f"{where}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from exc
    validate_plan_data(data, where)
    return SavedPlan(where, data)


def _listing(lines: Sequence[str]) -> list[str]:
    return [f"    {line}" for line in lines] or ["    (no writes)"]


def stale_message(saved: SavedPlan | str, fresh: Plan) -> str:
    """Both action lists, so the reviewer sees what changed since the plan was saved."""
    fresh_sum, fresh_lines = fresh.checksum(), fresh.action_set()
    lines = ["the saved plan is stale: a fresh plan differs, so nothing was written"]
    if isinstance(saved, SavedPlan):
        lines.append(f"  saved plan {saved.checksum} ({saved.path}):")
        lines.extend(_listing(saved.action_set()))
    else:
        lines.append(f"  expected checksum {saved}:")
        lines.append("    (only the checksum is known)")
    lines.append(f"  fresh plan {fresh_sum}:")
    lines.extend(_listing(fresh_lines))
    if isinstance(saved, SavedPlan) and saved.target != fresh.target:
        lines.append(f"  target differs: saved {saved.target}, fresh {fresh.target}")
    elif isinstance(saved, SavedPlan) and saved.action_set() == fresh_lines:
        lines.append("  same actions, but their files, consent or metadata differ")
    lines.append(f"  hint: {STALE_HINT}")
    return "\n".join(lines)


def check_fresh(saved: SavedPlan | str, fresh: Plan) -> None:
    """Raise StalePlanError (exit 3) unless the fresh plan has the saved checksum."""
    expected = saved.checksum if isinstance(saved, SavedPlan) else saved
    if fresh.checksum() != expected:
        raise StalePlanError(stale_message(saved, fresh))
