"""`voicectl apply [PLAN.json]`: plan afresh, check it against a reviewed plan, confirm,
then upload, create, wait, report, and re-plan to prove convergence.

Gates, in order: stale saved plan or checksum → 3; blocked → 4; no confirmation → 1.
Nothing is written before all gates pass.
"""

from __future__ import annotations

import argparse
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reconciler.cli.arguments import add_apply_timing_arguments, add_plan_arguments
from reconciler.cli.context import Context
from reconciler.model.errors import ConfigError
from reconciler.model.exitcodes import ExitCode

if TYPE_CHECKING:
    from reconciler.apply.trail import RequestTrail
    from reconciler.cli.workspace import Workspace
    from reconciler.model.voiceapi import VoiceApi
    from reconciler.orchestration.repository import RepositoryPlan
    from reconciler.plan.value import Plan

JOURNAL = Path(".voicectl") / "apply-journal.jsonl"
CHECKSUM = re.compile(r"sha256:[0-9a-f]{64}")
NO_TTY_HINT = (
    "apply needs a confirmation: pass --yes, or apply a reviewed plan "
    "(voicectl plan --out plan.json, then voicectl apply plan.json)"
)


def register(sub: Any, name: str, common: argparse.ArgumentParser) -> None:
    from reconciler.cli.helptext import parser_options

    parser = sub.add_parser(
        name, parents=[common], help="upload, create and wait (writes)", **parser_options(name)
    )
    parser.add_argument(
        "plan_file",
        nargs="?",
        type=Path,
        metavar="PLAN.json",
        help="a plan saved by `voicectl plan --out`: apply refuses (exit 3) if it is stale",
    )
    add_plan_arguments(parser)
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    parser.add_argument("--expect-checksum", metavar="SHA", help="refuse unless the plan has it")
    parser.add_argument("--report", type=Path, metavar="REPORT.json", help="write the report")
    add_apply_timing_arguments(parser)
    parser.set_defaults(handler=run)


@contextmanager
def _interrupts(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C / SIGTERM set `stop`: no new work starts, in-flight work gets a short grace."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _confirm(args: argparse.Namespace, ctx: Context) -> bool:
    if args.plan_file or args.yes or args.expect_checksum:
        return True
    if not ctx.stdin_is_tty:
        raise ConfigError(NO_TTY_HINT)
    ctx.err.print("Apply these changes? Only 'yes' is accepted: ", end="")
    try:
        return ctx.stdin.readline().strip() == "yes"
    except KeyboardInterrupt:
        ctx.err.print()  # `interrupted` (exit 130) on its own line, not after the prompt
        raise


def _at_cwd(path: Path | None, ctx: Context) -> Path | None:
    """File arguments are relative to the CLI's working directory, as `plan --out` is."""
    return None if path is None else ctx.cwd / path


def _saved_target(plan_file: Path, shown: str) -> str | None:
    from reconciler.declarations.project import DEFAULT_TARGET
    from reconciler.plan.planfile import read_plan

    target = read_plan(plan_file, shown=shown).target
    return None if target == DEFAULT_TARGET else target


def _check_reviewed(args: argparse.Namespace, ctx: Context, fresh: Plan) -> None:
    from reconciler.plan.planfile import check_fresh, read_plan

    plan_file = _at_cwd(args.plan_file, ctx)
    if plan_file:
        saved = read_plan(plan_file, shown=str(args.plan_file))
        check_fresh(saved, fresh)
    if args.expect_checksum:
        check_fresh(args.expect_checksum, fresh)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from reconciler.apply.trail import RequestTrail
    from reconciler.cli.arguments import plan_display, selection_of, target_options
    from reconciler.cli.context import progress_to
    from reconciler.cli.workspace import open_api, open_workspace
    from reconciler.commands.plan import show_plan
    from reconciler.orchestration.repository import plan_repository, replan
    from reconciler.render.verdict import print_verdict

    plan_file = _at_cwd(args.plan_file, ctx)
    if plan_file and not plan_file.is_file():
        raise ConfigError(f"plan file {args.plan_file} not found")
    # a saved plan knows the target it was made for
    saved_target = (
        _saved_target(plan_file, str(args.plan_file)) if plan_file and args.target is None else None
    )
    ws = open_workspace(ctx, target_options(args, target=saved_target))
    trail = RequestTrail()
    if args.expect_checksum and not CHECKSUM.fullmatch(args.expect_checksum):
        raise ConfigError(  # a typo is not a stale plan (exit 3): nothing was compared
            f"--expect-checksum {args.expect_checksum!r} is not a plan checksum "
            "(expected sha256: and 64 hex digits, as printed by voicectl plan)"
        )
    report_file = _at_cwd(args.report, ctx)
    if report_file and not report_file.parent.is_dir():
        # checked before any write: after the apply, credits are spent and the report lost
        raise ConfigError(f"--report: folder {args.report.parent} does not exist")
    ctx.notice(ws.settings.banner)
    selection = selection_of(args)
    with open_api(ws.settings, ctx, on_request=trail) as api:
        fresh = plan_repository(ws.source, selection, api, progress=progress_to(ctx))
        _check_reviewed(args, ctx, fresh.plan)
        show_plan(fresh.plan, plan_display(args), ctx, ws, credits_output="credits_planned")
        if fresh.plan.blocked:
            ctx.err.print("Blocked: nothing was written.")
            return ExitCode.BLOCKED
        resumed = _left_pending(fresh.plan)
        if not fresh.plan.writes and not resumed:
            ctx.err.print("Nothing to apply.")
            return print_verdict(fresh.plan, ExitCode.SUCCESS, ctx.out, quiet_if_converged=True)
        if not fresh.plan.writes:  # nothing to write: waiting needs no confirmation
            names = ", ".join(c.alias for c in resumed)
            ctx.err.print(f"Nothing to write; waiting for clones left pending earlier: {names}")
        elif not _confirm(args, ctx):
            ctx.err.print("Apply cancelled: nothing was written.")
            return ExitCode.ERROR
        code = _execute(args, ctx, ws, api, fresh, trail=trail)
        if code == ExitCode.INTERRUPTED:
            return code
        after = replan(ws.source, selection, api, fresh).plan  # the remote only, read again
    return print_verdict(after, code, ctx.out)  # Converged. only when nothing is left


def _left_pending(plan: Plan) -> tuple[Any, ...]:
    """Clones an earlier run left running: a resumed apply waits for them (GET only)."""
    from reconciler.plan.value import Action

    return tuple(c for c in plan.changes if c.action is Action.PENDING and c.declared is not None)


def _execute(
    args: argparse.Namespace,
    ctx: Context,
    ws: Workspace,
    api: VoiceApi,
    fresh: RepositoryPlan,
    *,
    trail: RequestTrail,
) -> int:
    from reconciler.apply.engine import execute
    from reconciler.apply.events import FanoutSink
    from reconciler.apply.journal import JournalSink, write_report
    from reconciler.apply.report import with_predictions
    from reconciler.cli.arguments import apply_timing
    from reconciler.orchestration.git import head_commit
    from reconciler.render.applyreport import render_report
    from reconciler.render.progress import open_progress

    stop = threading.Event()
    journal_path = ws.root / JOURNAL
    try:  # before any write: a run without its journal would leave no record
        journal_path.parent.mkdir(parents=True, exist_ok=True)
        journal_file = JournalSink.open(
            journal_path,
            actor=ctx.environ.get("GITHUB_ACTOR", ""),
            commit=head_commit(ws.root) or "",
            plan_checksum=fresh.plan.checksum(),
        )
    except OSError as exc:
        raise ConfigError(
            f"cannot write the apply journal {JOURNAL.as_posix()}: {exc.strerror or exc}; "
            "nothing was written\n  hint: run apply in a writable checkout"
        ) from None
    plan = fresh.plan
    shown: Any = (  # --quiet: the journal only, no progress lines
        nullcontext(None) if ctx.quiet else open_progress(ctx.err, github=ctx.in_github_actions)
    )
    with (
        shown as progress,
        journal_file as journal,
        _interrupts(stop),
    ):
        report = execute(
            plan.writes,  # the reviewed changes themselves: what they hold is what is sent
            api,
            owner=plan.owner,
            folder_name=ws.settings.remote_folder,
            root=ws.root,
            remote=fresh.remote,
            timing=apply_timing(args),
            events=FanoutSink((journal,) if progress is None else (progress, journal)),
            stop=stop,
            trail=trail,
            resume=_left_pending(plan),
        )
    report = with_predictions(report, plan)
    render_report(report, ctx.out)
    if ctx.in_github_actions:  # the reviewers' record of what happened, not only the plan
        from reconciler.render.gha import append_step_summary, write_outputs
        from reconciler.render.reportmd import report_markdown

        named = plan.target if plan.target != "default" else None  # as `comment --applied`
        append_step_summary(ctx.environ, report_markdown(report.to_dict(), target=named))
        write_outputs(
            ctx.environ, {"credits": report.credits_spent, "credits_spent": report.credits_spent}
        )
    report_file = _at_cwd(args.report, ctx)
    if report_file:
        try:
            write_report(report, report_file)
        except OSError as exc:  # the run happened: say so, keep going to the converged check
            reason = exc.strerror or type(exc).__name__
            ctx.err.print(
                f"error: could not write the report to {args.report}: {reason}", markup=False
            )
            return report.exit_code or ExitCode.ERROR
        ctx.err.print(f"wrote report to {args.report}", markup=False)
    return report.exit_code
