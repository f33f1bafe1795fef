"""The read-only half shared by plan, apply, drift and status: load the declarations,
select them, read the remote (GET only), diff. Also the flags those commands share."""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from reconciler.cli.context import Context
from reconciler.cli.workspace import Workspace, add_target_arguments
from reconciler.model.errors import DeclarationError, SelectorError

if TYPE_CHECKING:
    from reconciler.model.values import Declaration, RemoteState
    from reconciler.model.voiceapi import VoiceApi
    from reconciler.plan.plan import Plan


def add_plan_arguments(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser)
    parser.add_argument(
        "--only", action="append", metavar="GLOB", help="only aliases matching GLOB (repeatable)"
    )
    parser.add_argument("--base", metavar="REF", help="also plan the declarations at git REF")
    parser.add_argument(
        "--changed", action="store_true", help="only declarations changed against --base"
    )
    parser.add_argument(
        "--retry-failed", action="store_true", help="plan a new create for failed clones"
    )
    parser.add_argument(
        "--detail", choices=("summary", "changes", "full"), default="changes", help="how much"
    )


# declarations from which loading uses the second core: a plan's declarations carry audio
# (10 files each: ~1 ms per declaration cold), far above validate's YAML-only break-even
PARALLEL_MIN = 200


@dataclass(frozen=True)
class PlanRun:
    declared: tuple[Declaration, ...]
    remote: RemoteState
    plan: Plan


def _select(
    voices: tuple[Declaration, ...], args: argparse.Namespace, ws: Workspace
) -> tuple[Declaration, ...]:
    from reconciler.cli.git import changed_paths

    target = ws.settings.target
    chosen = tuple(v for v in voices if not v.targets or target in v.targets)
    for glob in getattr(args, "only", None) or ():
        if not any(fnmatchcase(v.alias, glob) for v in voices):
            raise SelectorError(f"--only {glob!r} matches no declared alias")
    if getattr(args, "only", None):
        chosen = tuple(v for v in chosen if any(fnmatchcase(v.alias, g) for g in args.only))
    if getattr(args, "changed", False):
        if not args.base:
            raise SelectorError("--changed needs --base REF to compare against")
        paths = changed_paths(ws.root, args.base, ws.project.voices_dir)
        chosen = tuple(v for v in chosen if v.source.path in paths)
        if not chosen and not paths:
            raise SelectorError(f"--changed: no declaration changed against {args.base}")
    return chosen


def _base_declarations(args: argparse.Namespace, ws: Workspace) -> tuple[Declaration, ...]:
    from reconciler.cli.git import base_tree, read_tree
    from reconciler.declarations.loading import load_declarations_from_texts

    texts = read_tree(ws.root, args.base, ws.project.voices_dir)
    with base_tree(ws.root, args.base, texts, ws.project.voices_dir) as root:
        # a temporary copy of the base must not fill the audio cache with dead paths
        cache = ws.root / ".voicectl" if root == ws.root else None
        try:
            loaded = load_declarations_from_texts(root, texts, project=ws.project, cache_dir=cache)
        except DeclarationError as exc:
            note = f" (in the declarations at {args.base})"
            raise DeclarationError(
                tuple(dataclasses.replace(d, message=d.message + note) for d in exc.diagnostics)
            ) from None
    target = ws.settings.target
    return tuple(v for v in loaded.voices if not v.targets or target in v.targets)


def make_plan(args: argparse.Namespace, ctx: Context, ws: Workspace, api: VoiceApi) -> PlanRun:
    """Declarations → selection → remote state (GET only) → the pure diff."""
    from reconciler.audiostack.remote import fetch_state
    from reconciler.declarations.loading import load_declarations
    from reconciler.plan.diff import compare, compare_pr
    from reconciler.plan.policy import Policy
    from reconciler.plan.remotefiles import check_file_ids

    loaded = load_declarations(
        ws.root, project=ws.project, cache_dir=ws.root / ".voicectl", parallel_min=PARALLEL_MIN
    )
    everything = loaded.voices
    declared = _select(everything, args, ws)
    base = _base_declarations(args, ws) if getattr(args, "base", None) else None
    wanted = {v.alias for v in declared} | {v.replaces for v in declared if v.replaces}
    file_ids = {f.file_id for v in declared for f in (*v.files, v.consent) if f and f.file_id}
    remote = fetch_state(
        api, sorted(wanted), folder_name=ws.settings.remote_folder, declared_file_ids=file_ids
    )
    policy = Policy(
        owner=ws.settings.owner,
        target=ws.settings.target,
        scope=ws.project.scope,
        max_credits=ws.settings.max_credits,
        retry_failed=bool(getattr(args, "retry_failed", False)),
    )
    plan = (
        compare_pr(declared, base, remote, policy)
        if base is not None
        else compare(declared, remote, policy)
    )
    check_file_ids(plan, remote)  # an unknown or repeated file_id: refused before any upload
    # declarations left out by a selector or limited to other targets are not orphans
    hidden = {v.alias for v in everything} - {v.alias for v in declared}
    if hidden or getattr(args, "only", None):
        keep = tuple(
            c
            for c in plan.changes
            if c.alias not in hidden and (not getattr(args, "only", None) or c.alias in wanted)
        )
        plan = dataclasses.replace(plan, changes=keep)
    if loaded.warnings:
        plan = dataclasses.replace(plan, diagnostics=(*plan.diagnostics, *loaded.warnings))
    return PlanRun(declared=declared, remote=remote, plan=plan)
