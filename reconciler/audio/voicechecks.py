"""The checks over a whole voice: duplicate content (same bytes, or the same recording in
another encoding by fingerprint), loudness spread, mixed sample rates, and speech against
the engine's minimum (and the 45-minute advice for non-English voice_engine_2 voices).
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.audio.findings import Findings
from reconciler.model.enginetable import ENGINES
from reconciler.model.errors import Location
from reconciler.model.quality import DB_FLOOR, Check, FileMeasures
from reconciler.model.values import Declaration, DeclaredFile

SAME_LENGTH_S = 1.0  # a re-encoding keeps the duration within codec padding
SAME_LENGTH_SHARE = 0.02
SPEECH_TOLERANCE = 0.01  # the detector counts 30 ms frames: a 1 % shortfall is not reported


def voice_findings(
    findings: Findings,
    decl: Declaration,
    known: Mapping[str | None, FileMeasures],
    files_at: Location,
) -> None:
    """Add the voice-wide findings for `decl`, whose measured files are `known` by path."""
    files = [f for f in decl.files if f.path in known]
    _duplicates(findings, files, known)
    levels = {f.path: known[f.path].loudness_lufs for f in files}
    speaking = {
        f.path for f in files if known[f.path].speech_s >= findings.threshold(Check.NO_SPEECH)
    }
    levels = {p: v for p, v in levels.items() if v > DB_FLOOR and p in speaking}
    if len(levels) >= 2:
        quiet = min(levels, key=lambda p: levels[p])
        loud = max(levels, key=lambda p: levels[p])
        spread = levels[loud] - levels[quiet]
        if spread > findings.threshold(Check.LOUDNESS_SPREAD):
            message = (
                f"the files' loudness differs by {spread:.1f} LU ({quiet} "
                f"{levels[quiet]:.1f} LUFS, {loud} {levels[loud]:.1f} LUFS)"
            )
            hint = "normalise every file to the same loudness (e.g. −20 LUFS)"
            findings.add(Check.LOUDNESS_SPREAD, files_at, None, message, hint)
    rates = sorted({known[f.path].sample_rate for f in files})
    if len(rates) > 1:
        listed = ", ".join(f"{r:,}" for r in rates)
        message = f"the files mix sample rates ({listed} Hz)"
        hint = f"resample them to one rate (e.g. {rates[-1]:,} Hz)"
        findings.add(Check.MIXED_SAMPLE_RATES, files_at, None, message, hint)
    if len(files) == len(decl.files):  # file_id entries: their speech is unknown here
        _speech_minimum(findings, decl, [known[f.path] for f in files], files_at)


def _duplicates(
    findings: Findings, files: list[DeclaredFile], known: Mapping[str | None, FileMeasures]
) -> None:
    from reconciler.audio.fingerprint import distance

    seen: list[tuple[str, FileMeasures]] = []
    limit = findings.threshold(Check.DUPLICATE)
    for entry in files:
        m = known[entry.path]
        for other_path, other in seen:
            hint = f"remove the duplicate of {other_path.rsplit('/', 1)[-1]}"
            if m.sha256 == other.sha256:
                message = f"{entry.path} has the same content as {other_path}"
                findings.add(Check.DUPLICATE, entry.location, entry.path, message, hint)
                break
            if not _same_length(m, other):
                continue
            rate = distance(m.fingerprint, other.fingerprint)
            if rate is not None and rate < limit:
                message = (
                    f"{entry.path} is the same recording as {other_path} "
                    f"(another encoding: fingerprints differ in {100 * rate:.0f} % of bits)"
                )
                findings.add(Check.DUPLICATE, entry.location, entry.path, message, hint)
                break
        seen.append((str(entry.path), m))


def _same_length(a: FileMeasures, b: FileMeasures) -> bool:
    gap = abs(a.duration_s - b.duration_s)
    return gap <= max(SAME_LENGTH_S, SAME_LENGTH_SHARE * max(a.duration_s, b.duration_s))


def _speech_minimum(
    findings: Findings, decl: Declaration, measured: list[FileMeasures], at: Location
) -> None:
    limits = ENGINES.get(decl.engine)
    if limits is None:
        return
    # the engine rules judge the files' own durations: the same figure here, so a voice
    # that is an engine error already gets no second finding
    audio = sum(f.audio.duration_s for f in decl.files if f.audio is not None)
    speech = sum(m.speech_s for m in measured)
    wanted = limits.min_total_s
    english = decl.language.split("-", 1)[0].lower() == "en"
    advice = limits.recommended_non_english_s
    if advice is not None and not english and audio >= advice:
        wanted = advice  # the audio meets the advice: does the speech?
    if audio < wanted or speech >= wanted * (1 - SPEECH_TOLERANCE):
        return  # too little audio is the engine rule's error already
    message = (
        f"{limits.name} needs {_minutes(wanted)} of speech; this voice has "
        f"{_minutes(speech)} of speech in {_minutes(audio)} of audio"
    )
    hint = "add recordings: silence and pauses do not teach the clone"
    findings.add(Check.SPEECH_MINIMUM, at, None, message, hint)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.1f} s"
