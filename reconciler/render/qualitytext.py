"""Wording of audio-quality figures for every renderer (plan text, PR comment, report,
`voicectl audio`), from the JSON shape of plan/qualityjson.py. No printing here.

    speech 21.4 of 22.0 min · −19.8 LUFS · peak −2.1 dBFS · 1 file clipped
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.model.quality import DB_FLOOR
from reconciler.plan.change import WRITE_ACTIONS, Action

QualityData = Mapping[str, Any]


def level(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return "silent" if value <= DB_FLOOR else f"{value:.1f} {unit}".replace("-", "−")


def span(audio_s: float, speech_s: float) -> str:
    """`21.4 of 22.0 min` (minutes from one minute of audio on, else seconds)."""
    if audio_s >= 60:
        return f"{speech_s / 60:.1f} of {audio_s / 60:.1f} min"
    return f"{speech_s:.1f} of {audio_s:.1f} s"


def quality_line(voice: QualityData) -> str:
    parts = [
        f"speech {span(voice['audio_s'], voice['speech_s'])}",
        level(voice["loudness_lufs"], "LUFS"),
        f"peak {level(voice['peak_dbfs'], 'dBFS')}",
    ]
    clipped = int(voice["clipped_files"])
    if clipped:
        parts.append(f"{clipped} file{'s' if clipped != 1 else ''} clipped")
    issues = []
    if voice["errors"]:
        issues.append(f"{voice['errors']} error{'s' if voice['errors'] != 1 else ''}")
    if voice["warnings"]:
        issues.append(f"{voice['warnings']} warning{'s' if voice['warnings'] != 1 else ''}")
    if issues:
        parts.append(", ".join(issues))
    return " · ".join(parts)


def discard_lines(voice: QualityData) -> list[str]:
    return [
        f"predicted discard: {item['path']} ({item['reason']})"
        for item in voice["predicted_discards"]
    ]


def written_quality(data: Mapping[str, Any]) -> dict[str, QualityData]:
    """The quality figures of the voices the plan would create, by alias."""
    quality = {q["alias"]: q for q in data.get("quality", ())}
    wanted = [
        a["alias"]
        for a in data["actions"]
        if a["action"] in WRITE_ACTIONS
        or (a["action"] == Action.BLOCKED and a["intended"] in WRITE_ACTIONS)
    ]
    return {alias: quality[alias] for alias in wanted if alias in quality}


def file_row(item: Mapping[str, Any]) -> list[str]:
    """Cells of `voicectl audio`'s table for one file (units are in FILE_HEADINGS)."""
    name = item["path"] + (" (consent)" if item["consent"] else "")
    if item["duration_s"] is None:
        return [*(["–"] * (len(FILE_HEADINGS) - 2)), _worst(item["findings"]), name]
    flags = "ok" if not item["findings"] else _worst(item["findings"]).split(":", 1)[0]
    return [
        f"{item['duration_s']:.1f}",
        f"{item['speech_s']:.1f}",
        _number(item["loudness_lufs"]),
        _number(item["peak_dbfs"]),
        _number(item["rms_dbfs"]),
        _number(item["noise_floor_dbfs"]),
        f"{item['snr_db']:.0f}",
        f"{item['clipped_percent']:.2f}",
        flags if item["predicted_discard"] is None else "discard",
        name,
    ]


FILE_HEADINGS = (
    "secs",
    "speech",
    "LUFS",
    "peak",
    "RMS",
    "noise",
    "SNR",
    "clip %",
    "verdict",
    "file",
)
UNITS_NOTE = "secs and speech in seconds; peak, RMS and noise floor in dBFS; SNR in dB"


def _number(value: float) -> str:
    return "silent" if value <= DB_FLOOR else f"{value:.1f}".replace("-", "−")


def _worst(findings: Sequence[str]) -> str:
    return str(findings[0]) if findings else ""
