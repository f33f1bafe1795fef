"""`quality:` blocks (voicectl.yaml, then each voice) → QualitySettings. Schema-valid input
only (schemas/project.schema.json and voice.schema.json check the shape first).

`quality: false` turns the checks off; `strict: true` makes speech below the engine
minimum an error; `checks:` sets a check's level (`error`, `warning`, `off`) and/or its
threshold: `peak: off`, `rms_low: {threshold: -26}`, `clipping: {level: error}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.model.quality import Check, Level, QualitySettings, Rule


def merge_quality(base: QualitySettings, data: Any) -> QualitySettings:
    """`base` with the `quality:` value `data` applied (None: unchanged)."""
    if data is None:
        return base
    if data is False:
        return QualitySettings(enabled=False, strict=base.strict, rules=base.rules)
    if data is True:
        return QualitySettings(enabled=True, strict=base.strict, rules=base.rules)
    assert isinstance(data, Mapping)
    rules = dict(base.rules)
    for name, spec in data.get("checks", {}).items():
        check = Check(name)
        old = base.rule(check) if check is not Check.SPEECH_MINIMUM else rules[check]
        if isinstance(spec, str):
            rules[check] = Rule(old.threshold, Level(spec))
        else:
            threshold = float(spec.get("threshold", old.threshold))
            rules[check] = Rule(threshold, Level(spec.get("level", old.level.value)))
    return QualitySettings(
        enabled=bool(data.get("enabled", base.enabled)),
        strict=bool(data.get("strict", base.strict)),
        rules=rules,
    )
