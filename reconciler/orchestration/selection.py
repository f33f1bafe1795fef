"""Which declarations a run plans: the target's, then `--only` globs and `--changed`.

Selection is the typed form of those flags; `select` is pure over the loaded declarations
and the changed paths (read by the caller from git).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from reconciler.model.errors import SelectorError
from reconciler.model.values import Declaration


@dataclass(frozen=True, slots=True)
class Selection:
    """What to plan besides the target: alias globs, only files changed against `base`,
    the declarations at `base` too (a pull request), failed clones created anew, and
    `drift_check`: only what a scheduled check reports (drifted, orphaned, failed and
    missing voices, and those up to date)."""

    only: tuple[str, ...] = ()
    changed: bool = False
    base: str | None = None
    retry_failed: bool = False
    drift_check: bool = False


def for_target(voices: Iterable[Declaration], target: str) -> tuple[Declaration, ...]:
    """The declarations meant for `target` (no `targets:` means every target)."""
    return tuple(v for v in voices if not v.targets or target in v.targets)


def select(
    voices: tuple[Declaration, ...],
    selection: Selection,
    *,
    target: str,
    changed_paths: Collection[str] | None = None,
) -> tuple[Declaration, ...]:
    """The declarations to plan; `changed_paths` is required with `selection.changed`."""
    chosen = for_target(voices, target)
    for glob in selection.only:
        if not any(fnmatchcase(v.alias, glob) for v in voices):
            raise SelectorError(f"--only {glob!r} matches no declared alias")
    if selection.only:
        chosen = tuple(v for v in chosen if any(fnmatchcase(v.alias, g) for g in selection.only))
    if selection.changed:
        if not selection.base:
            raise SelectorError("--changed needs --base REF to compare against")
        paths = changed_paths or ()
        chosen = tuple(v for v in chosen if v.source.path in paths)
        if not chosen and not paths:
            raise SelectorError(f"--changed: no declaration changed against {selection.base}")
    return chosen
