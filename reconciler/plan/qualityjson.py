"""The JSON shape of audio-quality figures (a plan's `quality`, `voicectl audio --format
json`): one object per voice with its files. Pure; defined once here.
"""

from __future__ import annotations

from typing import Any

from reconciler.model.quality import MEASURE_FIELDS, FileQuality, VoiceQuality

FILE_FIGURES = tuple(n for n in MEASURE_FIELDS if n not in ("sha256", "fingerprint"))


def file_quality_dict(item: FileQuality) -> dict[str, Any]:
    m = item.measures
    figures = {name: (getattr(m, name) if m is not None else None) for name in FILE_FIGURES}
    return {
        "path": item.path,
        "consent": item.consent,
        **figures,
        "findings": list(item.findings),
        "predicted_discard": item.predicted_discard,
    }


def voice_quality_dict(voice: VoiceQuality) -> dict[str, Any]:
    return {
        "alias": voice.alias,
        "audio_s": voice.audio_s,
        "speech_s": voice.speech_s,
        "minimum_s": voice.minimum_s,
        "loudness_lufs": voice.loudness_lufs,
        "peak_dbfs": voice.peak_dbfs,
        "clipped_files": voice.clipped_files,
        "errors": voice.errors,
        "warnings": voice.warnings,
        "worst": voice.worst,
        "predicted_discards": [
            {"path": f.path, "reason": f.predicted_discard} for f in voice.predicted_discards
        ],
        "files": [file_quality_dict(f) for f in voice.files],
    }
