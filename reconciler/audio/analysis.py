"""Measure many files: cached ones by sha256 at once, the rest in parallel across cores
(a process pool; each worker streams one file at a time, so memory stays bounded).

`measure_files` never raises for one bad file: a file that cannot be decoded maps to the
reason, which the policy shows instead of figures.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reconciler.audio.measurecache import MeasureCache
from reconciler.model.quality import FileMeasures
from reconciler.model.values import Sha256

PARALLEL_MIN_BYTES = 4_000_000  # below this much uncached audio a second process costs more
PROGRESS_MIN_BYTES = 50_000_000  # about 5 minutes of CD-quality audio: long enough to report


@dataclass(frozen=True, slots=True)
class MeasureJob:
    path: Path  # absolute
    sha256: Sha256
    size: int
    display: str  # repo-relative, for progress lines


Measured = FileMeasures | str  # the measures, or why the file could not be decoded
Progress = Callable[[MeasureJob, int, int], None]  # (job, done, total)


def measure_files(
    jobs: Sequence[MeasureJob],
    cache: MeasureCache,
    *,
    workers: int | None = None,
    parallel_min_bytes: int = PARALLEL_MIN_BYTES,
    progress: Progress | None = None,
    progress_min_bytes: int = PROGRESS_MIN_BYTES,
) -> dict[Sha256, Measured]:
    """Measures by sha256 for every job (each content measured once)."""
    results: dict[Sha256, Measured] = {}
    todo: dict[Sha256, MeasureJob] = {}
    for job in jobs:
        cached = cache.get(job.sha256)
        if cached is not None:
            results[job.sha256] = cached
        else:
            todo.setdefault(job.sha256, job)
    pending = sorted(todo.values(), key=lambda j: -j.size)  # largest first: even finish
    count = workers if workers is not None else (os.cpu_count() or 1)
    size = sum(j.size for j in pending)
    parallel = count > 1 and len(pending) > 1 and size >= parallel_min_bytes
    report = progress if size >= progress_min_bytes else None  # only long work reports
    for done, (job, measured) in enumerate(_run(pending, count if parallel else 1), start=1):
        results[job.sha256] = measured
        if isinstance(measured, FileMeasures):
            cache.put(measured)
        if report is not None:
            report(job, done, len(pending))
    return results


def _run(jobs: list[MeasureJob], workers: int) -> Iterator[tuple[MeasureJob, Measured]]:
    if workers <= 1:
        yield from ((job, _measure(job)) for job in jobs)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=context) as pool:
        futures = {pool.submit(_measure, job): job for job in jobs}
        for future in as_completed(futures):
            yield futures[future], future.result()


def _measure(job: MeasureJob) -> Measured:
    from reconciler.audio.decode import DecodeError
    from reconciler.audio.measure import measure_file

    try:
        return measure_file(job.path, job.sha256)
    except DecodeError as exc:
        return str(exc) or "cannot decode"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
