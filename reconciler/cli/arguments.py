"""The flags the commands share and their typed values: argparse stops here.

`add_target_arguments` / `add_plan_arguments` / `add_apply_timing_arguments` register the
flags; `target_options`, `selection_of`, `plan_display` and `apply_timing` turn a parsed
Namespace into TargetOptions, Selection, PlanDisplay and ApplyTiming, which is all the
commands' helpers and the layers below ever see.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from reconciler.orchestration.selection import Selection
from reconciler.render.wording import PlanDetail

if TYPE_CHECKING:
    from reconciler.apply.engine import ApplyTiming


@dataclass(frozen=True, slots=True)
class TargetOptions:
    """`--api`, `--target`, `--allow-host`, `--max-credits` (and apply's `--concurrency`,
    and `--base` whose targets a pull request must not change)."""

    api: str | None = None
    target: str | None = None
    allow_hosts: tuple[str, ...] = ()
    max_credits: int | None = None
    concurrency: int | None = None  # the adaptive limit's ceiling; None: the target's default
    base: str | None = None


class OutputFormat(StrEnum):
    """`--format` of plan and drift."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


@dataclass(frozen=True, slots=True)
class PlanDisplay:
    """How a command shows its plan: `--format`, `--detail`, and the `--base` whose commit
    the plan JSON records."""

    format: OutputFormat = OutputFormat.TEXT
    detail: PlanDetail = PlanDetail.CHANGES
    base: str | None = None


def add_target_arguments(parser: argparse.ArgumentParser, *, budget: bool = True) -> None:
    parser.add_argument(
        "--api",
        metavar="URL|emulator",
        help="override the target: an API base URL, or `emulator` for the embedded emulator",
    )
    parser.add_argument("--target", metavar="NAME", help="a target from voicectl.yaml")
    parser.add_argument(
        "--allow-host",
        action="append",
        metavar="HOST",
        help="also allow sending the key to HOST (repeatable; also VOICECTL_ALLOW_HOSTS)",
    )
    if budget:  # not for commands that spend nothing (status)
        parser.add_argument("--max-credits", type=int, metavar="N", help="budget for this run")


def add_plan_arguments(parser: argparse.ArgumentParser, *, writes: bool = True) -> None:
    """The plan flags; `writes=False` (drift: a read-only check) leaves out what only
    matters to a plan that may write: the budget, `--base`/`--changed`, `--retry-failed`."""
    add_target_arguments(parser, budget=writes)
    parser.add_argument(
        "--only", action="append", metavar="GLOB", help="only aliases matching GLOB (repeatable)"
    )
    if writes:
        parser.add_argument("--base", metavar="REF", help="also plan the declarations at git REF")
        parser.add_argument(
            "--changed", action="store_true", help="only declarations changed against --base"
        )
        parser.add_argument(
            "--retry-failed", action="store_true", help="plan a new create for failed clones"
        )
    parser.add_argument(
        "--detail",
        choices=[d.value for d in PlanDetail],  # argparse names the choices on a typo
        default=PlanDetail.CHANGES.value,
        help="summary: the summary line only; changes (default): every change, unchanged and "
        "adopted voices counted; full: every voice",
    )


def add_apply_timing_arguments(parser: argparse.ArgumentParser) -> None:
    """apply's --concurrency (the adaptive limit's ceiling), --wait-timeout, --api-down-after."""
    parser.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="ceiling of requests and voices at once (default 16; 1 for the embedded "
        "emulator, which answers on voicectl's own CPU); starts at 8, grows while answers "
        "are fast and clean, halves on 429/5xx",
    )
    parser.add_argument(
        "--wait-timeout",
        "--timeout",
        dest="wait_timeout",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="stop waiting after this; clones still running are reported pending",
    )
    parser.add_argument(
        "--api-down-after",
        dest="api_down_after",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="stop waiting when no poll got a good answer for this long (default 120)",
    )


def target_options(args: argparse.Namespace, *, target: str | None = None) -> TargetOptions:
    """The target flags of a command registered with add_target_arguments; `target`
    replaces a missing --target (a saved plan knows the target it was made for)."""
    return TargetOptions(
        api=args.api,
        target=args.target if args.target is not None else target,
        allow_hosts=tuple(args.allow_host or ()),
        max_credits=getattr(args, "max_credits", None),
        concurrency=getattr(args, "concurrency", None),  # apply's flag only
        base=getattr(args, "base", None),  # the plan commands' flag only
    )


def selection_of(args: argparse.Namespace, *, drift_check: bool = False) -> Selection:
    """The Selection of a command registered with add_plan_arguments (`drift_check`: the
    drift command's)."""
    return Selection(
        only=tuple(getattr(args, "only", None) or ()),
        changed=getattr(args, "changed", False),
        base=getattr(args, "base", None),
        retry_failed=getattr(args, "retry_failed", False),
        drift_check=drift_check,
    )


def plan_display(args: argparse.Namespace) -> PlanDisplay:
    """The PlanDisplay of a command registered with add_plan_arguments (apply has no
    --format: it shows text)."""
    return PlanDisplay(
        format=OutputFormat(getattr(args, "format", OutputFormat.TEXT)),
        detail=PlanDetail(args.detail),
        base=getattr(args, "base", None),
    )


def apply_timing(args: argparse.Namespace) -> ApplyTiming:
    """The ApplyTiming of a command registered with add_apply_timing_arguments."""
    from reconciler.apply.engine import ApplyTiming

    return ApplyTiming(
        concurrency=max(1, args.concurrency or 16),  # the limiter's ceiling caps it
        wait_timeout_s=args.wait_timeout,
        dead_api_s=args.api_down_after,
    )
