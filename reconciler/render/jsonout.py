"""Plan → canonical JSON text (sorted keys, indented), the shape of `Plan.to_dict()`.

ASCII-only output (`\\u` escapes) so no bidi or control character reaches a terminal.
The shape itself is defined once, in reconciler/plan.py; nothing here adds fields.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from reconciler.plan.value import Plan


def dump_json(data: Mapping[str, Any], *, indent: int | None = 2) -> str:
    """Canonical JSON: sorted keys; `indent=None` gives the compact one-line form."""
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(data, sort_keys=True, indent=indent, separators=separators) + "\n"


def render_json(
    plan: Plan | Mapping[str, Any],
    *,
    created_at: str,
    git: Mapping[str, str | None] | None = None,
    api_url: str | None = None,
    indent: int | None = 2,
) -> str:
    """The JSON plan as printed by `--format json` and written by `plan --out`."""
    if isinstance(plan, Plan):
        data: Mapping[str, Any] = plan.to_dict(created_at=created_at, git=git, api_url=api_url)
    else:
        data = plan
    return dump_json(data, indent=indent)
