"""The one line apply ends with, from the plan made after the run: `Converged.` only when
nothing is left to write, pending, failed or blocked; otherwise exactly what is left."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rich.console import Console

from reconciler.model.exitcodes import ExitCode
from reconciler.model.values import Alias
from reconciler.plan.value import Action, Plan


class Verdict(StrEnum):
    CONVERGED = "converged"
    PENDING = "pending"  # only clones still running: exit 0, a later run picks them up
    FAILED = "failed"  # failed clones: exit 5
    RESIDUE = "residue"  # writes or blocks left: exit 5, the residue is printed


@dataclass(frozen=True, slots=True)
class Outcome:
    verdict: Verdict
    line: str


def _voices(n: int) -> str:
    return f"{n} voice{'' if n == 1 else 's'}"


def _named(aliases: list[Alias], limit: int = 5) -> str:
    shown = ", ".join(aliases[:limit])
    more = len(aliases) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def verdict(after: Plan) -> Outcome:
    """Pending, failed and blocked are counted over the whole plan, not only this run."""
    pending = [c.alias for c in after.changes if c.action is Action.PENDING]
    failed = [c.alias for c in after.changes if c.action is Action.FAILED]
    waiting = f"; {_voices(len(pending))} pending ({_named(pending)})" if pending else ""
    if failed:
        return Outcome(
            Verdict.FAILED,
            f"Not converged: {_voices(len(failed))} failed ({_named(failed)}){waiting}; "
            "change the declaration (or run with --retry-failed) to try again.",
        )
    if after.writes or after.blocked:
        return Outcome(Verdict.RESIDUE, "Not converged; the remote still differs:")
    if pending:
        it = "it" if len(pending) == 1 else "them"
        return Outcome(
            Verdict.PENDING,
            f"Not converged yet: {_voices(len(pending))} pending ({_named(pending)}); "
            f"a later plan or apply waits for {it}.",
        )
    return Outcome(Verdict.CONVERGED, "Converged.")


def print_verdict(
    after: Plan, code: int, console: Console, *, quiet_if_converged: bool = False
) -> int:
    """Print the verdict (and the residue); the exit code: 5 for failed or residue."""
    from reconciler.render.text import render_plan
    from reconciler.render.wording import PlanDetail

    outcome = verdict(after)
    if quiet_if_converged and outcome.verdict is Verdict.CONVERGED:
        return code  # `Nothing to apply.` said it all
    console.print(outcome.line, markup=False, highlight=False, soft_wrap=True)
    if outcome.verdict is Verdict.RESIDUE:
        render_plan(after, console, detail=PlanDetail.CHANGES)
    if outcome.verdict in (Verdict.FAILED, Verdict.RESIDUE):
        return code or ExitCode.NOT_CONVERGED
    return code
