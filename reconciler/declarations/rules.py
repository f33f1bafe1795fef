"""Engine rules for one declaration, driven only by the ENGINES table (model/enginetable.py).

File count, per-file and total duration, total size, the consent recording and the
non-English advice. The consent file never counts toward the file limits. Schema shape,
paths and audio decoding are checked before this; nothing here reads files.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.model.durations import exact_secs, limit_text, micros, secs, span
from reconciler.model.enginetable import ENGINES, MB, EngineLimits, total_hint
from reconciler.model.errors import Diagnostic, Location, Severity
from reconciler.model.values import Declaration


def check_engine_rules(decl: Declaration, where: Mapping[str, Location]) -> list[Diagnostic]:
    """Every engine-limit problem of `decl`; `where` maps field names to their locations."""
    limits = ENGINES.get(decl.engine)
    if limits is None:
        return []  # the schema already reported the unknown engine
    at = {name: where.get(name, decl.source) for name in ("engine", "files", "consent", "language")}
    found = _consent_rules(decl, limits, at)
    name = limits.name
    count = len(decl.files)
    if count > limits.max_files:
        found.append(
            _error(
                at["files"],
                f"{name} allows at most {limits.max_files} files, this voice has {count}",
                "keep the longest, cleanest takes (or join short ones into one file)",
            )
        )
    local = [f for f in decl.files if f.audio is not None]
    for item in local:
        assert item.audio is not None
        if item.audio.duration_us < micros(limits.min_file_s):
            message = (
                f"{item.path} is {exact_secs(item.audio.duration_us)} s long; "
                f"{name} needs at least {secs(limits.min_file_s)} s per file"
            )
            found.append(_error(item.location, message, SHORT_FILE_HINT))
    total_bytes = sum(f.audio.bytes for f in local if f.audio is not None)
    if total_bytes > limits.max_total_bytes:
        message = (
            f"{name} allows at most {limits.max_total_bytes // MB} MB of audio in total, "
            f"this voice has {total_bytes / MB:.2f} MB ({total_bytes:,} bytes)"
        )
        found.append(_error(at["files"], message, "compress the audio (e.g. to MP3 or FLAC)"))
    if len(local) < count:
        return found  # durations of file_id entries are known only to `plan`
    total = sum(f.audio.duration_us for f in local if f.audio is not None)
    if total < micros(limits.min_total_s):
        message = (
            f"{name} needs at least {limit_text(limits.min_total_s)} of audio in total, "
            f"this voice has {span(total)}"
        )
        found.append(_error(at["files"], message, total_hint(limits)))
    elif _needs_more(decl.language, total, limits):
        assert limits.recommended_non_english_s is not None
        message = (
            f"{name} recommends at least {limit_text(limits.recommended_non_english_s)} of "
            f"audio for non-English voices, this voice has {span(total)}"
        )
        found.append(Diagnostic(at["language"], Severity.WARNING, message, code="engine"))
    return found


SHORT_FILE_HINT = "record a longer take, or remove the file from `files:`"


def _consent_rules(
    decl: Declaration, limits: EngineLimits, at: Mapping[str, Location]
) -> list[Diagnostic]:
    consent = decl.consent
    if consent is None and limits.consent_required:
        hint = "add `consent: <path>`: a recording of the speaker agreeing to be cloned"
        return [_error(at["engine"], f"{limits.name} requires a consent recording", hint)]
    if consent is not None and not limits.consent_required:
        hint = "remove `consent:` (only voice engines that require consent use it)"
        return [_error(at["consent"], f"{limits.name} does not use a consent recording", hint)]
    if consent is not None:
        same = [
            f
            for f in decl.files
            if (f.path is not None and f.path == consent.path)
            or (f.file_id is not None and f.file_id == consent.file_id)
        ]
        if same:
            return [_error(at["consent"], "the consent recording is also listed in files")]
    return []


def _needs_more(language: str, total_us: int, limits: EngineLimits) -> bool:
    recommended = limits.recommended_non_english_s
    english = language.split("-", 1)[0].lower() == "en"
    return recommended is not None and not english and total_us < micros(recommended)


def _error(location: Location, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(location, Severity.ERROR, message, hint, code="engine")
