"""The apply report: what happened to each voice, credits and uploads, and the exit code.

Frozen values and their JSON shape only (stdlib + model). Writing files lives in
render/journal.py; the terminal table in render/applyreport.py.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from reconciler.model.exitcodes import ExitCode
from reconciler.model.values import Alias, CloneId, CloneStatus, Discard

if TYPE_CHECKING:
    from reconciler.plan.value import Plan

REPORT_FORMAT_VERSION = 1


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"  # created by this run and finished
    ADOPTED = "adopted"  # ours already (earlier/concurrent run, lost 202) and finished
    PENDING = "pending"  # still running when the wait ended: not a failure
    FAILED = "failed"
    NOT_ATTEMPTED = "not_attempted"  # never POSTed (402, transient streak, bad key, stop)
    UNKNOWN = "unknown"  # POST in flight at an interrupt: the next run reads it back


PROBLEM_OUTCOMES = frozenset({Outcome.FAILED, Outcome.NOT_ATTEMPTED, Outcome.UNKNOWN})


DiscardedFile = Discard  # the report's name for the one Discard value (model.py)


@dataclass(frozen=True, slots=True)
class VoiceResult:
    alias: Alias
    engine: str
    outcome: Outcome
    source: str = ""  # the declaring YAML file
    clone_id: CloneId | None = None
    status: CloneStatus | None = None  # last remote status seen
    reason: str | None = None
    request_ids: tuple[str, ...] = ()
    retries: int = 0
    discarded: tuple[DiscardedFile, ...] = ()
    credits: int = 0  # charged for a clone this run created and saw succeed

    def to_dict(self) -> dict[str, Any]:
        return {
            "alias": self.alias,
            "engine": self.engine,
            "result": self.outcome.value,
            "source": self.source,
            "clone_id": self.clone_id,
            "status": self.status,
            "reason": self.reason,
            "request_ids": list(self.request_ids),
            "retries": self.retries,
            "credits": self.credits,
            "discarded": [
                {"file_id": d.file_id, "path": d.path, "reason": d.reason} for d in self.discarded
            ],
        }


@dataclass(frozen=True, slots=True)
class UploadStats:
    uploaded: int = 0  # files sent by this run
    reused: int = 0  # files found in the folder under their content-addressed name
    bytes_sent: int = 0


@dataclass(frozen=True, slots=True)
class PredictedDiscard:
    """A file the plan expected the server to discard (audio quality, model/quality.py)."""

    alias: Alias
    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class ApplyReport:
    voices: tuple[VoiceResult, ...]  # alias order
    credits_spent: int
    credits_remaining: int | None
    uploads: UploadStats = UploadStats()
    interrupted: bool = False
    stopped_reason: str | None = None  # why new voices stopped being started
    predicted: tuple[PredictedDiscard, ...] = ()  # from the plan's audio quality figures

    @property
    def exit_code(self) -> ExitCode:
        """130 after an interrupt; 5 when any voice failed, was not attempted or is
        unknown; else 0 (pending voices are not failures)."""
        if self.interrupted:
            return ExitCode.INTERRUPTED
        if any(v.outcome in PROBLEM_OUTCOMES for v in self.voices):
            return ExitCode.NOT_CONVERGED
        return ExitCode.SUCCESS

    def count(self, outcome: Outcome) -> int:
        return sum(1 for v in self.voices if v.outcome is outcome)

    def result(self, alias: str) -> VoiceResult | None:
        return next((v for v in self.voices if v.alias == alias), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": REPORT_FORMAT_VERSION,
            "exit_code": self.exit_code,
            "interrupted": self.interrupted,
            "stopped_reason": self.stopped_reason,
            "summary": {o.value: self.count(o) for o in Outcome},
            "credits": {"spent": self.credits_spent, "remaining": self.credits_remaining},
            "uploads": {
                "uploaded": self.uploads.uploaded,
                "reused": self.uploads.reused,
                "bytes": self.uploads.bytes_sent,
            },
            "voices": [v.to_dict() for v in self.voices],
            "predicted_discards": [
                {"alias": p.alias, "path": p.path, "reason": p.reason} for p in self.predicted
            ],
        }


def with_predictions(report: ApplyReport, plan: Plan) -> ApplyReport:
    """`report` with the plan's predicted discards of the voices it covers (side by side
    with the actual ones in the rendered report)."""
    covered = {v.alias for v in report.voices}
    predicted = tuple(
        PredictedDiscard(Alias(q.alias), f.path, f.predicted_discard)
        for q in plan.quality
        if q.alias in covered
        for f in q.predicted_discards
        if f.predicted_discard is not None
    )
    return dataclasses.replace(report, predicted=predicted)
