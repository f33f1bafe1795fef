"""Judge one voice's measured files against its quality settings: findings as located
Diagnostics (at the file entry's line:col, with a fix), predicted discards, and the
VoiceQuality summary shown by plan, comment and report.

Pure over values: measuring happens before (analysis.py); the thresholds and their
reasons are in model/quality.py and docs/audio-quality.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from statistics import median

from reconciler.audio.findings import Findings
from reconciler.audio.voicechecks import voice_findings
from reconciler.model.enginetable import ENGINES
from reconciler.model.errors import Diagnostic, Location
from reconciler.model.quality import (
    DB_FLOOR,
    DISCARD_CLIPPED_PERCENT,
    SILENT_PEAK_DBFS,
    Check,
    FileMeasures,
    FileQuality,
    QualitySettings,
    VoiceQuality,
)
from reconciler.model.values import Declaration, DeclaredFile, Sha256

Measured = FileMeasures | str


def assess_voice(
    decl: Declaration,
    measured: Mapping[Sha256, Measured],
    settings: QualitySettings,
    files_at: Location,
) -> tuple[VoiceQuality, list[Diagnostic]]:
    """The voice's summary and its findings (none when `settings.enabled` is false)."""
    findings = Findings(settings)
    entries = [(f, False) for f in decl.files if f.path and f.audio]
    if decl.consent is not None and decl.consent.path and decl.consent.audio:
        entries.append((decl.consent, True))
    known = {
        f.path: m
        for f, _ in entries
        if f.audio and isinstance(m := measured.get(f.audio.sha256), FileMeasures)
    }
    if settings.enabled:
        for entry, consent in entries:
            if entry.path in known:
                _file_checks(findings, entry, known[entry.path], consent=consent)
        voice_findings(findings, decl, known, files_at)
    files = tuple(_file_quality(e, c, measured, findings) for e, c in entries)
    return _summary(decl, files, findings), findings.diagnostics


def _file_checks(
    findings: Findings, entry: DeclaredFile, m: FileMeasures, *, consent: bool
) -> None:
    path, at, add, limit = entry.path, entry.location, findings.add, findings.threshold
    assert path is not None
    if m.speech_s < limit(Check.NO_SPEECH):
        what = f"the consent recording {path}" if consent else path
        hint = (
            "record the speaker agreeing to be cloned"
            if consent
            else "remove it or replace it with a recording of the speaker"
        )
        heard = f"{m.speech_s:.1f} s of speech in {m.duration_s:.1f} s"
        add(Check.NO_SPEECH, at, path, f"{what} contains no speech ({heard})", hint)
    clip_hint = "re-record with less input gain: clipping cannot be repaired"
    share = f"{m.clipped_percent:.2f} % of samples at full scale"
    if m.clipped_percent >= limit(Check.HEAVY_CLIPPING):
        add(Check.HEAVY_CLIPPING, at, path, f"{path} is heavily clipped: {share}", clip_hint)
    elif m.clipped_percent >= limit(Check.CLIPPING):
        add(Check.CLIPPING, at, path, f"{path} is clipped: {share}", clip_hint)
    if m.peak_dbfs > limit(Check.PEAK):
        message = f"{path} peaks at {m.peak_dbfs:.1f} dBFS (above {limit(Check.PEAK):g} dBFS)"
        add(Check.PEAK, at, path, message, f"keep peaks at or below {limit(Check.PEAK):g} dBFS")
    norm = "normalise to −20 dBFS RMS (ACX: −23 to −18)"
    if m.rms_dbfs < limit(Check.RMS_LOW) and m.speech_s > 0:
        message = f"{path} is quiet: RMS {_db(m.rms_dbfs)} dBFS (below {limit(Check.RMS_LOW):g})"
        add(Check.RMS_LOW, at, path, message, norm)
    elif m.rms_dbfs > limit(Check.RMS_HIGH):
        message = f"{path} is loud: RMS {_db(m.rms_dbfs)} dBFS (above {limit(Check.RMS_HIGH):g})"
        add(Check.RMS_HIGH, at, path, message, norm)
    if m.noise_floor_dbfs > limit(Check.NOISE_FLOOR):
        floor = f"{m.noise_floor_dbfs:.1f} dBFS (above {limit(Check.NOISE_FLOOR):g} dBFS)"
        message = f"{path} has a noise floor of {floor}"
        add(Check.NOISE_FLOOR, at, path, message, "record in a quieter room or reduce the noise")
    if m.dc_offset_percent > limit(Check.DC_OFFSET):
        message = f"{path} has a DC offset of {m.dc_offset_percent:.2f} % of full scale"
        add(Check.DC_OFFSET, at, path, message, "remove it with a high-pass filter (DC removal)")


def _file_quality(
    entry: DeclaredFile, consent: bool, measured: Mapping[Sha256, Measured], findings: Findings
) -> FileQuality:
    assert entry.path is not None and entry.audio is not None
    m = measured.get(entry.audio.sha256)
    measures = m if isinstance(m, FileMeasures) else None
    found = sorted(findings.by_path.get(entry.path, ()), key=lambda d: not d.is_error)
    texts = tuple(f"{d.severity.value}: {d.message}" for d in found)
    if not isinstance(m, FileMeasures) and m is not None:
        texts = (f"not measured: {m}",)
    return FileQuality(entry.path, measures, consent, texts, _predicted_discard(measures))


def _predicted_discard(m: FileMeasures | None) -> str | None:
    """What we expect the server to discard (the emulator applies the same rules)."""
    if m is None:
        return None
    if m.peak_dbfs <= SILENT_PEAK_DBFS:
        return f"silent audio (peak below {SILENT_PEAK_DBFS:g} dBFS)"
    if m.clipped_percent >= DISCARD_CLIPPED_PERCENT:
        return f"heavy clipping: {m.clipped_percent:.1f} % of samples at full scale"
    return None


def _summary(decl: Declaration, files: tuple[FileQuality, ...], findings: Findings) -> VoiceQuality:
    measured = [f.measures for f in files if f.measures is not None and not f.consent]
    levels = [m.loudness_lufs for m in measured if m.loudness_lufs > DB_FLOOR]
    limits = ENGINES.get(decl.engine)
    errors = [d for d in findings.diagnostics if d.is_error]
    worst = errors or [d for d in findings.diagnostics if not d.is_error]
    return VoiceQuality(
        alias=decl.alias,
        files=files,
        audio_s=round(sum(m.duration_s for m in measured), 3),
        speech_s=round(sum(m.speech_s for m in measured), 3),
        minimum_s=limits.min_total_s if limits else 0.0,
        loudness_lufs=round(median(levels), 2) if levels else DB_FLOOR,
        peak_dbfs=max((m.peak_dbfs for m in measured), default=DB_FLOOR),
        clipped_files=sum(
            1 for m in measured if m.clipped_percent >= findings.threshold(Check.CLIPPING)
        ),
        errors=len(errors),
        warnings=len(findings.diagnostics) - len(errors),
        worst=worst[0].message if worst else None,
    )


def _db(value: float) -> str:
    return "silent" if value <= DB_FLOOR else f"{value:.1f}"
