"""Audio quality of the loaded declarations: measure every local file (cached by sha256,
in parallel), judge each voice with its effective `quality:` settings, and attach the
findings to the declaration file they belong to.

Called by loading.py for the declarations it reports; measuring is in reconciler/audio.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from reconciler.audio.analysis import MeasureJob, measure_files
from reconciler.audio.assessment import assess_voice
from reconciler.audio.measurecache import MeasureCache
from reconciler.declarations.project import ProjectConfig
from reconciler.declarations.qualityconfig import merge_quality
from reconciler.declarations.voicefile import FileResult
from reconciler.model.errors import Location
from reconciler.model.quality import VoiceQuality
from reconciler.model.values import Sha256

ProgressFn = Callable[[str, int, int], None]  # (repo path, done, total)


def assess_results(
    root: Path,
    results: Sequence[FileResult],
    project: ProjectConfig,
    cache_dir: Path | None,
    progress: ProgressFn | None = None,
) -> tuple[VoiceQuality, ...]:
    """Measure and judge every declaration in `results`; findings go to each result."""
    judged = [r for r in results if r.declaration is not None]
    settings = {id(r): merge_quality(project.quality, r.quality) for r in judged}
    jobs: dict[Sha256, MeasureJob] = {}
    for result in judged:
        decl = result.declaration
        assert decl is not None
        if not settings[id(result)].enabled:
            continue
        for entry in (*decl.files, decl.consent):
            if entry is not None and entry.path is not None and entry.audio is not None:
                sha = entry.audio.sha256
                jobs.setdefault(
                    sha, MeasureJob(root / entry.path, sha, entry.audio.bytes, entry.path)
                )
    cache = MeasureCache(cache_dir)
    report = None if progress is None else (lambda j, d, t: progress(j.display, d, t))
    measured = measure_files(list(jobs.values()), cache, progress=report)
    cache.save()
    out: list[VoiceQuality] = []
    for result in judged:
        decl = result.declaration
        assert decl is not None
        where = result.files_at or Location(result.path)
        quality, found = assess_voice(decl, measured, settings[id(result)], where)
        result.diagnostics.extend(found)
        out.append(quality)
    return tuple(sorted(out, key=lambda q: q.alias))
