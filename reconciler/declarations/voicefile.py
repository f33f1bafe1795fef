"""One voice YAML file → a Declaration plus its diagnostics (schema, paths, audio, engine
rules). Cross-file rules (unique aliases, replaces) live in declarations.py; this module
sees one file at a time so it can run in a worker process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconciler.audio.cache import AudioCache
from reconciler.audio.inspect import inspect_audio
from reconciler.declarations.paths import ResolvedFile, resolve_reference
from reconciler.declarations.project import ProjectConfig
from reconciler.declarations.rules import check_engine_rules
from reconciler.declarations.schemacheck import check_document
from reconciler.declarations.yamlsrc import LocatedDoc, parse_yaml, read_yaml
from reconciler.model.errors import Diagnostic, Location, Severity
from reconciler.model.values import (
    AdoptMode,
    Alias,
    AudioInfo,
    Declaration,
    DeclaredFile,
    FileId,
)
from reconciler.safeopen import has_control, shown


@dataclass(slots=True)
class FileResult:
    """What checking one YAML file produced (picklable: crosses process boundaries)."""

    path: str
    declaration: Declaration | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    alias: str | None = None  # also set when the file has errors, for the duplicate check
    alias_at: Location | None = None
    replaces_at: Location | None = None
    quality: Any = None  # the voice's `quality:` value (schema-valid), for quality.py
    files_at: Location | None = None  # the `files:` key: where voice-wide findings point


def check_voice_file(
    root: Path,
    rel: str,
    project: ProjectConfig,
    cache: AudioCache,
    *,
    text: bytes | None = None,
    alias_only: bool = False,
) -> FileResult:
    """Check one file (read from `root/rel`, or `text` when given)."""
    if has_control(rel):  # apply would trip over the name on every run
        message = f"file name contains control characters: {shown(rel)!r}"
        hint = "rename the file"
        return FileResult(rel, diagnostics=[_error(Location(shown(rel), 1, 1), message, hint)])
    doc = parse_yaml(text, rel) if text is not None else read_yaml(root / rel, rel, root)
    if isinstance(doc, Diagnostic):
        return FileResult(rel, diagnostics=[doc])
    result = FileResult(rel)
    data = doc.data
    if isinstance(data, dict) and isinstance(data.get("alias"), str):
        result.alias = data["alias"]
        result.alias_at = doc.locate(("alias",))
        if isinstance(data.get("replaces"), str):
            result.replaces_at = doc.locate(("replaces",))
    if alias_only:
        return result
    result.diagnostics = [*doc.problems, *check_document("voice", doc)]
    if result.diagnostics:  # still report every path and audio problem of this file
        result.diagnostics.extend(_file_problems(root, doc, data, cache))
        return result
    result.diagnostics.extend(_project_rules(doc, data, project))
    built = _build(root, doc, data, cache)
    if isinstance(built, Declaration):
        result.declaration = built
        where = {name: doc.locate((name,)) for name in ("engine", "consent", "language")}
        where["files"] = doc.locate(("files",), key=True)
        result.quality, result.files_at = data.get("quality"), where["files"]
        result.diagnostics.extend(check_engine_rules(built, where))
    else:
        result.diagnostics.extend(built)
    return result


def _file_problems(root: Path, doc: LocatedDoc, data: Any, cache: AudioCache) -> list[Diagnostic]:
    """Path and audio errors of the string entries of a schema-invalid document."""
    problems: list[Diagnostic] = []
    if not isinstance(data, dict):
        return problems
    files = data.get("files")
    listed: list[tuple[tuple[str | int, ...], Any]] = (
        [(("files", i), item) for i, item in enumerate(files)] if isinstance(files, list) else []
    )
    listed.append((("consent",), data.get("consent")))
    for where, item in listed:
        if isinstance(item, str) and item.strip():
            _entries(root, doc, where, item, cache=cache, problems=problems)
    return problems


def _project_rules(
    doc: LocatedDoc, data: dict[str, Any], project: ProjectConfig
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    known = project.target_names
    for index, name in enumerate(data.get("targets", ())):
        if name not in known:
            message = f"unknown target '{name}' (voicectl.yaml defines {', '.join(known)})"
            found.append(_error(doc.locate(("targets", index)), message))
    if project.scope:
        from fnmatch import fnmatchcase

        if not any(fnmatchcase(data["alias"], glob) for glob in project.scope):
            globs = ", ".join(project.scope)
            message = f"alias '{data['alias']}' is outside this repository's scope ({globs})"
            found.append(_error(doc.locate(("alias",)), message, "rename it or widen `scope:`"))
    return found


def _build(
    root: Path, doc: LocatedDoc, data: dict[str, Any], cache: AudioCache
) -> Declaration | list[Diagnostic]:
    problems: list[Diagnostic] = []
    files: list[DeclaredFile] = []
    seen: set[str] = set()
    for index, item in enumerate(data["files"]):
        for entry in _entries(root, doc, ("files", index), item, cache=cache, problems=problems):
            key = entry.path or f"id:{entry.file_id}"
            if key not in seen:  # globs may overlap with explicit paths
                seen.add(key)
                files.append(entry)
    consent = None
    if "consent" in data:
        found = _entries(root, doc, ("consent",), data["consent"], cache=cache, problems=problems)
        if len(found) > 1:
            message = (
                f"consent must name exactly one file; '{data['consent']}' matches {len(found)}"
            )
            problems.append(_error(doc.locate(("consent",)), message))
        consent = found[0] if found else None
    if problems:
        return problems
    metadata: Mapping[str, Any] = data.get("metadata", {})
    return Declaration(
        alias=Alias(data["alias"]),
        engine=data["engine"],
        language=data["language"],
        files=tuple(files),
        source=doc.locate(("alias",)),
        consent=consent,
        metadata=dict(metadata),
        protect=data.get("protect", False),
        ignore=tuple(data.get("ignore", ())),
        strict_files=data.get("strict_files", False),
        replaces=Alias(data["replaces"]) if "replaces" in data else None,
        adopt=AdoptMode.FORCE if data.get("adopt") == "force" else AdoptMode.NORMAL,
        targets=tuple(data.get("targets", ())),
    )


def _entries(
    root: Path,
    doc: LocatedDoc,
    where: tuple[str | int, ...],
    item: Any,
    *,
    cache: AudioCache,
    problems: list[Diagnostic],
) -> list[DeclaredFile]:
    location = doc.locate(where)
    if isinstance(item, dict):
        return [DeclaredFile(location, file_id=FileId(item["file_id"].lower()))]
    resolved = resolve_reference(root, doc.path, item, location)
    if isinstance(resolved, Diagnostic):
        problems.append(resolved)
        return []
    out: list[DeclaredFile] = []
    for found in resolved:
        info = _audio(found, location, cache)
        if isinstance(info, Diagnostic):
            problems.append(info)
        else:
            out.append(DeclaredFile(location, path=found.path, audio=info))
    return out


def _audio(found: ResolvedFile, location: Location, cache: AudioCache) -> AudioInfo | Diagnostic:
    cached = cache.get(found.real, found.size, found.mtime_ns)
    if cached is not None:
        return cached
    info = inspect_audio(found.real, found.path, location)
    if not isinstance(info, Diagnostic):
        cache.put(found.real, found.size, found.mtime_ns, info)
    return info


def _error(location: Location, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(location, Severity.ERROR, message, hint, code="declaration")
