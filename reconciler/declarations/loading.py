"""Load every voice declaration of a repository, or raise DeclarationError with every
diagnostic found in one pass. Cross-file rules (unique aliases, `replaces:`) live here;
the per-file pipeline is voicefile.py. Also reads voicectl.yaml (load_project).
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import os
import posixpath
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from reconciler.audio.cache import AudioCache
from reconciler.declarations.audioquality import ProgressFn, assess_results
from reconciler.declarations.project import PROJECT_FILE, ProjectConfig, project_from_data
from reconciler.declarations.schemacheck import check_document
from reconciler.declarations.voicefile import FileResult, check_voice_file
from reconciler.declarations.yamlsrc import read_yaml
from reconciler.model.errors import DeclarationError, Diagnostic, Location, Severity
from reconciler.model.quality import VoiceQuality
from reconciler.model.values import AudioInfo, Declaration, DeclaredFile
from reconciler.safeopen import UnsafeFile, shown, walk_files

PARALLEL_MIN = 1500  # below this, forking a second process costs more than it saves
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Declarations:
    """Every valid declaration (sorted by alias) and the warnings about them."""

    voices: tuple[Declaration, ...]
    warnings: tuple[Diagnostic, ...] = ()
    checked: int = 0  # YAML files checked and reported on
    quality: tuple[VoiceQuality, ...] = ()  # per reported voice, sorted by alias


def load_project(root: Path) -> ProjectConfig:
    """voicectl.yaml at `root` (defaults when absent); DeclarationError when invalid."""
    root = root.resolve()
    file = root / PROJECT_FILE
    if not os.path.lexists(file):
        return ProjectConfig()
    doc = read_yaml(file, PROJECT_FILE, root)
    if isinstance(doc, Diagnostic):
        raise DeclarationError((doc,))
    problems = [*doc.problems, *([] if doc.data is None else check_document("project", doc))]
    voices_dir = doc.data.get("voices_dir") if isinstance(doc.data, dict) else None
    if isinstance(voices_dir, str) and not problems:
        normal = posixpath.normpath(voices_dir)
        if normal == ".." or normal.startswith(("../", "/")):
            message = f"voices_dir '{voices_dir}' points outside the repository"
            problems.append(Diagnostic(doc.locate(("voices_dir",)), Severity.ERROR, message))
    if problems:
        raise DeclarationError(tuple(problems))
    config = project_from_data(doc.data, PROJECT_FILE)
    if isinstance(voices_dir, str):
        config = dataclasses.replace(config, voices_dir_at=doc.locate(("voices_dir",)))
    return config


def find_voice_files(root: Path, folder: str) -> list[str]:
    """Repo-relative POSIX paths of every .yaml/.yml under `folder`, hidden entries skipped;
    a folder outside the repository or with more than WALK_LIMIT entries is an error."""
    try:
        return sorted(p for p in walk_files(root, folder) if p.endswith(YAML_SUFFIXES))
    except UnsafeFile as exc:
        where = Location(shown(folder), 1, 1)
        raise DeclarationError((_error(where, exc.message, exc.hint),)) from None


def load_declarations(
    root: Path,
    paths: Sequence[Path] | None = None,
    *,
    project: ProjectConfig | None = None,
    cache_dir: Path | None = None,
    parallel_min: int = PARALLEL_MIN,
    assess: bool = True,
    progress: ProgressFn | None = None,
) -> Declarations:
    """Check the voices directory (or only `paths`, with cross-file rules still seeing the
    whole directory) and return the declarations, or raise DeclarationError.

    From `parallel_min` files on, half of the files are checked in a forked process.
    `assess`: also measure the audio of the reported voices (quality.py)."""
    root = root.resolve()
    project = project or load_project(root)
    tree = find_voice_files(root, project.voices_dir)
    problems: list[Diagnostic] = []
    if paths is None:
        if not (root / project.voices_dir).is_dir():
            message = f"voices directory '{project.voices_dir}' not found"
            hint = f"create it, or set voices_dir in {PROJECT_FILE}"
            where = project.voices_dir_at or Location(project.voices_dir)
            raise DeclarationError((_error(where, message, hint),))
        selected = tree
    else:
        selected = _select(root, paths, problems)
    chosen = set(selected)
    jobs = [(rel, False) for rel in selected] + [(rel, True) for rel in tree if rel not in chosen]
    cache = AudioCache(cache_dir)
    with _no_cyclic_gc():
        results = _check_all(root, jobs, project, cache, {}, parallel_min=parallel_min)
    cache.save()
    reported = [r for r in results if r.path in chosen]
    quality = assess_results(root, reported, project, cache_dir, progress) if assess else ()
    try:
        return _conclude(results, chosen, problems, quality)
    except DeclarationError as exc:
        raise DeclarationError(exc.diagnostics, quality) from None


def load_declarations_from_texts(
    root: Path,
    texts: Mapping[str, bytes | str],
    *,
    project: ProjectConfig | None = None,
    cache_dir: Path | None = None,
) -> Declarations:
    """Check declarations held in memory ({repo-relative path: YAML text}), e.g. those of a
    git base ref; their audio paths are resolved in the current work tree under `root`."""
    root = root.resolve()
    project = project or ProjectConfig()
    encoded = {rel: t.encode("utf-8") if isinstance(t, str) else t for rel, t in texts.items()}
    cache = AudioCache(cache_dir)
    with _no_cyclic_gc():
        jobs = [(rel, False) for rel in sorted(encoded)]
        results = _check_all(root, jobs, project, cache, encoded, parallel_min=PARALLEL_MIN)
    cache.save()
    return _conclude(results, set(encoded), [])


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Loading allocates millions of small acyclic objects; the cyclic collector would
    rescan them over and over (about 20 % of the time for 10,000 files)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _select(root: Path, paths: Sequence[Path], problems: list[Diagnostic]) -> list[str]:
    selected: set[str] = set()
    for given in paths:
        absolute = Path(os.path.abspath(given if given.is_absolute() else root / given))
        if absolute != root and root not in absolute.parents:
            problems.append(_error(Location(str(given)), "file is outside the repository"))
        elif absolute.is_dir():
            selected.update(find_voice_files(root, absolute.relative_to(root).as_posix()))
        elif not absolute.is_file():
            problems.append(
                _error(Location(absolute.relative_to(root).as_posix()), "file not found")
            )
        else:
            selected.add(absolute.relative_to(root).as_posix())
    return sorted(selected)


def _check_all(
    root: Path,
    jobs: list[tuple[str, bool]],
    project: ProjectConfig,
    cache: AudioCache,
    texts: Mapping[str, bytes],
    *,
    parallel_min: int,
) -> list[FileResult]:
    global _SHARED
    if len(jobs) < parallel_min or (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"):
        return _run_jobs(root, jobs, project, cache, texts)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # The child is forked at submit time and inherits _SHARED, so nothing big is pickled
    # on the way in; only the results (and new audio-cache entries) come back.
    _register_fast_reducers()
    _SHARED = (root, jobs, project, cache, texts)
    # The child also pickles its results and the parent unpickles them: give it less.
    half = len(jobs) * 13 // 25
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            future = pool.submit(_run_shared, half, len(jobs))
            first = _run_jobs(root, jobs[:half], project, cache, texts)
            second, added = future.result()
    finally:
        _SHARED = None
    cache.merge(added)
    return first + second


_SHARED: Any = None


@functools.cache
def _register_fast_reducers() -> None:
    """Pickle result values as (class, field tuple): the default reducer of slotted
    dataclasses is about three times slower, and the child's results cross a pipe."""
    from multiprocessing.reduction import ForkingPickler

    for cls in (Location, DeclaredFile, Declaration, AudioInfo):
        names = tuple(f.name for f in fields(cls))

        def reduce(value: Any, cls: type = cls, names: tuple[str, ...] = names) -> Any:
            return cls, tuple(getattr(value, name) for name in names)

        ForkingPickler.register(cls, reduce)


def _run_shared(start: int, end: int) -> tuple[list[FileResult], dict[str, list[Any]]]:
    root, jobs, project, cache, texts = _SHARED
    cache.added = {}
    return _run_jobs(root, jobs[start:end], project, cache, texts), cache.added


def _run_jobs(
    root: Path,
    jobs: list[tuple[str, bool]],
    project: ProjectConfig,
    cache: AudioCache,
    texts: Mapping[str, bytes],
) -> list[FileResult]:
    return [
        check_voice_file(root, rel, project, cache, text=texts.get(rel), alias_only=alias_only)
        for rel, alias_only in jobs
    ]


def _conclude(
    results: list[FileResult],
    chosen: set[str],
    problems: list[Diagnostic],
    quality: tuple[VoiceQuality, ...] = (),
) -> Declarations:
    by_alias: dict[str, list[FileResult]] = {}
    for result in results:
        if result.alias is not None:
            by_alias.setdefault(result.alias, []).append(result)
    for alias, group in by_alias.items():
        for result in group if len(group) > 1 else ():
            others = ", ".join(str(o.alias_at) for o in group if o is not result)
            message = f"duplicate alias '{alias}' (also declared at {others})"
            hint = "aliases must be unique across the repository"
            result.diagnostics.append(
                _error(result.alias_at or Location(result.path), message, hint)
            )
    for result in results:
        decl = result.declaration
        if decl is None or decl.replaces is None:
            continue
        where = result.replaces_at or decl.source
        if decl.replaces == decl.alias:
            result.diagnostics.append(_error(where, "a voice cannot replace itself"))
        elif decl.replaces in by_alias:
            other = by_alias[decl.replaces][0].alias_at
            message = f"replaces '{decl.replaces}', which is still declared at {other}"
            hint = "delete that declaration; the old voice then becomes an orphan"
            result.diagnostics.append(_error(where, message, hint))
    reported = [r for r in results if r.path in chosen]
    for result in reported:
        problems.extend(result.diagnostics)
    if any(d.is_error for d in problems):
        raise DeclarationError(tuple(problems))
    voices = sorted((r.declaration for r in reported if r.declaration), key=lambda d: d.alias)
    warnings = tuple(sorted(problems, key=Diagnostic.sort_key))
    return Declarations(tuple(voices), warnings, len(reported), quality)


def _error(location: Location, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(location, Severity.ERROR, message, hint, code="declaration")
