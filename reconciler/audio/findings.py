"""Findings of the quality checks as they are collected: each check's configured level
turns a failed check into an error, a warning or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reconciler.model.errors import Diagnostic, Location, Severity
from reconciler.model.quality import Check, Level, QualitySettings


@dataclass(slots=True)
class Findings:
    """Diagnostics collected while judging, with the per-file finding texts."""

    settings: QualitySettings
    diagnostics: list[Diagnostic] = field(default_factory=list)
    by_path: dict[str, list[Diagnostic]] = field(default_factory=dict)

    def add(self, check: Check, where: Location, path: str | None, message: str, hint: str) -> None:
        level = self.settings.rule(check).level
        if level is Level.OFF:
            return
        severity = Severity.ERROR if level is Level.ERROR else Severity.WARNING
        found = Diagnostic(where, severity, message, hint, code=f"quality.{check.value}")
        self.diagnostics.append(found)
        if path is not None:
            self.by_path.setdefault(path, []).append(found)

    def threshold(self, check: Check) -> float:
        return self.settings.rule(check).threshold
