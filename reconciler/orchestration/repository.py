"""plan_repository: the read-only half shared by plan, apply, drift, status and comment.

Load the declarations, select them, load the base declarations (a pull request), read the
remote (GET only), build the Policy and diff: one call, typed inputs, one pure Plan out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from reconciler.audiostack.remote import fetch_state
from reconciler.declarations.audioquality import ProgressFn
from reconciler.declarations.loading import (
    Declarations,
    load_declarations,
    load_declarations_from_texts,
)
from reconciler.declarations.project import ProjectConfig
from reconciler.model.errors import DeclarationError
from reconciler.model.values import Declaration, RemoteState
from reconciler.model.voiceapi import VoiceApi
from reconciler.orchestration.git import base_tree, changed_paths, read_tree
from reconciler.orchestration.selection import Selection, for_target, select
from reconciler.plan.diff import compare, compare_pr
from reconciler.plan.policy import Policy
from reconciler.plan.remotefiles import check_file_ids
from reconciler.plan.value import Plan

# declarations from which loading uses the second core: a plan's declarations carry audio
# (10 files each: ~1 ms per declaration cold), far above validate's YAML-only break-even
PARALLEL_MIN = 200


@dataclass(frozen=True, slots=True)
class PlanSource:
    """The repository and the target a plan is made for."""

    root: Path
    project: ProjectConfig
    target: str
    owner: str
    remote_folder: str = "voicectl"
    max_credits: int | None = None

    @property
    def state_dir(self) -> Path:
        return self.root / ".voicectl"


@dataclass(frozen=True, slots=True)
class RepositoryPlan:
    """The selected declarations, the remote state read for them, and their plan.
    `loaded` and `base` are what the plan was made from (`replan` reuses them)."""

    declared: tuple[Declaration, ...]
    remote: RemoteState
    plan: Plan
    loaded: Declarations
    base: tuple[Declaration, ...] | None = None


def plan_repository(
    source: PlanSource,
    selection: Selection,
    api: VoiceApi,
    *,
    progress: ProgressFn | None = None,
) -> RepositoryPlan:
    """Declarations → selection → remote state (GET only) → the pure diff. Raises
    DeclarationError / SelectorError before any request when the input is wrong.
    `progress` hears of each recording measured during long audio measuring."""
    project = source.project
    loaded = load_declarations(
        source.root,
        project=project,
        cache_dir=source.state_dir,
        parallel_min=PARALLEL_MIN,
        progress=progress,
    )
    changed = (
        changed_paths(source.root, selection.base, project.voices_dir)
        if selection.changed and selection.base
        else None
    )
    declared = select(loaded.voices, selection, target=source.target, changed_paths=changed)
    base = _base_declarations(source, selection.base) if selection.base else None
    return _diff(source, selection, api, loaded=loaded, declared=declared, base=base)


def replan(
    source: PlanSource, selection: Selection, api: VoiceApi, earlier: RepositoryPlan
) -> RepositoryPlan:
    """The plan of the same declarations against a fresh read of the remote (apply's
    verdict: did what was applied converge?). Nothing local is read again: at 50,000
    voices that is most of a plan's time, and the declarations are the reviewed ones."""
    return _diff(
        source, selection, api, loaded=earlier.loaded, declared=earlier.declared, base=earlier.base
    )


def _diff(
    source: PlanSource,
    selection: Selection,
    api: VoiceApi,
    *,
    loaded: Declarations,
    declared: tuple[Declaration, ...],
    base: tuple[Declaration, ...] | None,
) -> RepositoryPlan:
    project = source.project
    wanted = {v.alias for v in declared} | {v.replaces for v in declared if v.replaces}
    file_ids = {f.file_id for v in declared for f in v.all_files if f.file_id}
    remote = fetch_state(
        api, sorted(wanted), folder_name=source.remote_folder, declared_file_ids=file_ids
    )
    shown = {v.alias for v in declared}
    quality = tuple(q for q in loaded.quality if q.alias in shown)
    policy = Policy(
        owner=source.owner,
        target=source.target,
        scope=project.scope,
        max_credits=source.max_credits,
        retry_failed=selection.retry_failed,
        drift_check=selection.drift_check,
        # declarations left out by a selector or meant for other targets are not orphans
        hidden=frozenset(v.alias for v in loaded.voices) - {v.alias for v in declared},
        only=frozenset(wanted) if selection.only else None,
    )
    plan = (
        compare_pr(declared, base, remote, policy, warnings=loaded.warnings, quality=quality)
        if base is not None
        else compare(declared, remote, policy, warnings=loaded.warnings, quality=quality)
    )
    # an unknown or repeated file_id, or too little audio in total: refused before any
    # upload; a short uploaded file (the server discards it) is a warning of the plan
    discards = check_file_ids(plan, remote)
    if discards:
        plan = dataclasses.replace(plan, diagnostics=(*plan.diagnostics, *discards))
    return RepositoryPlan(declared, remote, plan, loaded, base)


def _base_declarations(source: PlanSource, ref: str) -> tuple[Declaration, ...]:
    project = source.project
    texts = read_tree(source.root, ref, project.voices_dir)
    with base_tree(source.root, ref, texts, project.voices_dir) as root:
        # a temporary copy of the base must not fill the audio cache with dead paths
        cache = source.state_dir if root == source.root else None
        try:
            loaded = load_declarations_from_texts(root, texts, project=project, cache_dir=cache)
        except DeclarationError as exc:
            note = f" (in the declarations at {ref})"
            raise DeclarationError(
                tuple(dataclasses.replace(d, message=d.message + note) for d in exc.diagnostics)
            ) from None
    return for_target(loaded.voices, source.target)
