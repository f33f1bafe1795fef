"""Plan-time checks of `file_id:` entries against the remote (offline, validate only sees
their UUID shape). Only voices the plan would create or replace are checked: the API
refuses an unknown or repeated fileId (400), but only after the uploads. Voices that
already exist are left alone, whatever happened to their files since.
"""

from __future__ import annotations

from reconciler.model.durations import exact_secs, limit_text, micros, span
from reconciler.model.enginetable import engine_limits, total_hint
from reconciler.model.errors import DeclarationError, Diagnostic, Severity
from reconciler.model.values import Declaration, DeclaredFile, FileId, FileStatus, RemoteState
from reconciler.plan.value import WRITE_ACTIONS, Plan

UNKNOWN_HINT = (
    "check the id (voicectl import writes the ids of existing voices), "
    "or list the local audio file instead"
)


def check_file_ids(plan: Plan, remote: RemoteState) -> tuple[Diagnostic, ...]:
    """Raise DeclarationError (every problem at once) when a voice to be written names a
    file_id that is not an uploaded file of the organisation, that is the upload of one of
    its local files (the API refuses a fileId listed twice), or whose audio, local and
    uploaded together, misses the engine's minimum. Returns the warnings (short uploaded
    files the server will discard)."""
    problems: list[Diagnostic] = []
    for change in plan.changes:
        if change.declared is not None and change.effective in WRITE_ACTIONS:
            problems.extend(_voice_problems(change.declared, remote))
    if any(p.is_error for p in problems):
        raise DeclarationError(tuple(problems))
    return tuple(problems)


def _uploads(decl: Declaration, remote: RemoteState) -> dict[FileId, str]:
    """fileId → repo path of the local files already uploaded (by content-addressed name)."""
    found: dict[FileId, str] = {}
    for entry in decl.files:
        item = remote.files_by_name.get(entry.upload_name or "")
        if item is not None and item.status == FileStatus.UPLOADED and entry.path is not None:
            found.setdefault(item.file_id, entry.path)
    return found


def _voice_problems(decl: Declaration, remote: RemoteState) -> list[Diagnostic]:
    uploads = _uploads(decl, remote)
    problems = []
    listed = [(entry, True) for entry in decl.files]
    if decl.consent is not None:
        listed.append((decl.consent, False))
    for entry, in_files in listed:
        if entry.file_id is None:
            continue
        found = _remote_problem(entry, remote)
        if found is None and in_files and entry.file_id in uploads:
            found = (
                f"file_id {entry.file_id} is the upload of {uploads[entry.file_id]}, "
                "which this voice also lists",
                "list the file once: either the path or the file_id",
            )
        if found is not None:
            message, hint = found
            problems.append(Diagnostic(entry.location, Severity.ERROR, message, hint, "file_id"))
    if not problems:
        problems.extend(_engine_problems(decl, remote))
    return problems


def _engine_problems(decl: Declaration, remote: RemoteState) -> list[Diagnostic]:
    """The engine's duration rules over local and uploaded files together (validate knows
    only the local durations): the server would fail the clone after the uploads."""
    limits = engine_limits(decl.engine)
    remote_ids = [f for f in decl.files if f.file_id is not None]
    if limits is None or not remote_ids:
        return []
    found, total = [], 0
    for entry in decl.files:
        if entry.audio is not None:
            us = entry.audio.duration_us
        else:
            item = remote.files_by_id.get(entry.file_id) if entry.file_id else None
            us = micros(item.duration_s) if item is not None and item.duration_s else 0
            if us < micros(limits.min_file_s):
                message = (
                    f"file_id {entry.file_id} is {exact_secs(us)} s long; {limits.name} needs "
                    f"at least {limits.min_file_s:g} s per file; the server will discard it"
                )
                hint = "list a longer recording instead"
                found.append(Diagnostic(entry.location, Severity.WARNING, message, hint, "engine"))
        total += us if us >= micros(limits.min_file_s) else 0
    if total < micros(limits.min_total_s):
        message = (
            f"{limits.name} needs at least {limit_text(limits.min_total_s)} of audio in "
            f"total, this voice has {span(total)} (its local and uploaded files)"
        )
        where = remote_ids[0].location
        found.append(Diagnostic(where, Severity.ERROR, message, total_hint(limits), "engine"))
    return found


def _remote_problem(entry: DeclaredFile, remote: RemoteState) -> tuple[str, str] | None:
    item = remote.files_by_id.get(entry.file_id) if entry.file_id else None
    if item is None:
        return f"file_id {entry.file_id} is not a file of this organisation", UNKNOWN_HINT
    if item.status != FileStatus.UPLOADED:
        return (
            f"file_id {entry.file_id} is not usable (upload status {item.status})",
            "wait for the upload to finish, or list the local audio file instead",
        )
    return None
