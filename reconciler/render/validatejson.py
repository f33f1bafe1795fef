"""`voicectl validate --format json`: the result of a validation as one JSON document.

The shape is `schemas/validate.schema.json` (`voicectl schema validate` prints it):
`format_version`, `valid`, `summary` (voices, errors, warnings), `voices` (alias, engine,
language, declaration path, file count) and `diagnostics`, each as in the plan JSON
(`plan.planjson.diagnostic_dict`), sorted by place. A failed validation has no voices.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reconciler.model.errors import Diagnostic
from reconciler.model.values import Declaration
from reconciler.plan.planjson import diagnostic_dict

FORMAT_VERSION = 1


def validation_dict(
    voices: Sequence[Declaration], diagnostics: Sequence[Diagnostic]
) -> dict[str, Any]:
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    errors = sum(1 for d in ordered if d.is_error)
    return {
        "format_version": FORMAT_VERSION,
        "valid": errors == 0,
        "summary": {
            "voices": len(voices),
            "errors": errors,
            "warnings": len(ordered) - errors,
        },
        "voices": [
            {
                "alias": str(v.alias),
                "engine": v.engine,
                "language": v.language,
                "path": v.source.path,
                "files": len(v.files),
            }
            for v in sorted(voices, key=lambda v: str(v.alias))
        ],
        "diagnostics": [diagnostic_dict(d) for d in ordered],
    }
