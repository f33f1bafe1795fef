"""Audio quality values: what was measured in one file, the checks and their settings, and
the per-voice summary that plan, PR comment and apply report show.

Values only (stdlib): measuring lives in reconciler/audio, judging in audio/policy.py.
Every level is in dB and floored at DB_FLOOR so that digital silence stays a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from reconciler.model.values import Sha256

DB_FLOOR = -120.0  # digital silence; JSON has no -inf
FULL_SCALE = 0.999  # a sample at or above this magnitude sits at full scale (clipped)
SILENT_PEAK_DBFS = -60.0  # the emulator (and, we predict, the server) drops quieter files
DISCARD_CLIPPED_PERCENT = 1.0  # … and files with at least this share of full-scale samples


class Check(StrEnum):
    """Every quality check, by the name used in `quality:` blocks."""

    NO_SPEECH = "no_speech"
    HEAVY_CLIPPING = "heavy_clipping"
    CLIPPING = "clipping"
    PEAK = "peak"
    RMS_LOW = "rms_low"
    RMS_HIGH = "rms_high"
    NOISE_FLOOR = "noise_floor"
    DC_OFFSET = "dc_offset"
    DUPLICATE = "duplicate"
    LOUDNESS_SPREAD = "loudness_spread"
    MIXED_SAMPLE_RATES = "mixed_sample_rates"
    SPEECH_MINIMUM = "speech_minimum"


class Level(StrEnum):
    """What a failed check becomes."""

    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


@dataclass(frozen=True, slots=True)
class Rule:
    threshold: float
    level: Level


# name → (threshold, default level). Why each default: docs/audio-quality.md.
DEFAULT_RULES: Mapping[Check, Rule] = {
    Check.NO_SPEECH: Rule(0.5, Level.ERROR),  # seconds of speech below which a file is empty
    Check.HEAVY_CLIPPING: Rule(1.0, Level.ERROR),  # percent of samples at full scale
    Check.CLIPPING: Rule(0.1, Level.WARNING),
    Check.PEAK: Rule(-3.0, Level.WARNING),  # ACX: peaks at or below -3 dBFS
    Check.RMS_LOW: Rule(-23.0, Level.WARNING),  # ACX: RMS between -23 and -18 dBFS
    Check.RMS_HIGH: Rule(-18.0, Level.WARNING),
    Check.NOISE_FLOOR: Rule(-60.0, Level.WARNING),  # ACX: noise floor at or below -60 dBFS
    Check.DC_OFFSET: Rule(1.0, Level.WARNING),  # percent of full scale
    Check.DUPLICATE: Rule(0.2, Level.ERROR),  # fingerprint bit error rate below which = same
    Check.LOUDNESS_SPREAD: Rule(6.0, Level.WARNING),  # LU between the loudest and quietest file
    Check.MIXED_SAMPLE_RATES: Rule(0.0, Level.WARNING),
    Check.SPEECH_MINIMUM: Rule(0.0, Level.WARNING),  # the engine's minimum; error when strict
}


@dataclass(frozen=True, slots=True)
class QualitySettings:
    """The effective `quality:` settings of one voice (project block, then voice block)."""

    enabled: bool = True
    strict: bool = False
    rules: Mapping[Check, Rule] = field(default_factory=lambda: dict(DEFAULT_RULES))

    def rule(self, check: Check) -> Rule:
        rule = self.rules.get(check, DEFAULT_RULES[check])
        if check is Check.SPEECH_MINIMUM and self.strict and rule.level is Level.WARNING:
            return Rule(rule.threshold, Level.ERROR)
        return rule


@dataclass(frozen=True, slots=True)
class FileMeasures:
    """What decoding one file found (cached by content sha256)."""

    sha256: Sha256
    duration_s: float
    sample_rate: int
    channels: int
    codec: str  # e.g. "PCM_16", "MPEG_LAYER_III", "VORBIS"
    peak_dbfs: float
    clipped_percent: float
    rms_dbfs: float
    loudness_lufs: float
    noise_floor_dbfs: float
    snr_db: float
    speech_s: float
    longest_silence_s: float
    dc_offset_percent: float
    fingerprint: str = ""  # hex, 16 bits per 100 ms of the first two minutes

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in MEASURE_FIELDS}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FileMeasures | None:
        """None for anything that is not a complete entry (a damaged cache is a miss)."""
        try:
            values = {name: data[name] for name in MEASURE_FIELDS}
        except (KeyError, TypeError):
            return None
        for name, kind in _FIELD_TYPES.items():
            value = values[name]
            if kind is float and type(value) is int:
                values[name] = float(value)
            elif type(values[name]) is not kind:
                return None
        return cls(**values)


_FIELD_TYPES: dict[str, type] = {
    "sha256": str,
    "duration_s": float,
    "sample_rate": int,
    "channels": int,
    "codec": str,
    "peak_dbfs": float,
    "clipped_percent": float,
    "rms_dbfs": float,
    "loudness_lufs": float,
    "noise_floor_dbfs": float,
    "snr_db": float,
    "speech_s": float,
    "longest_silence_s": float,
    "dc_offset_percent": float,
    "fingerprint": str,
}
MEASURE_FIELDS = tuple(_FIELD_TYPES)


@dataclass(frozen=True, slots=True)
class FileQuality:
    """One declared file (or the consent recording) with its measures and findings."""

    path: str
    measures: FileMeasures | None  # None: a container the decoder cannot read (e.g. M4A)
    consent: bool = False
    findings: tuple[str, ...] = ()  # "warning: peak -0.5 dBFS …", worst first
    predicted_discard: str | None = None  # the reason we expect the server to give


@dataclass(frozen=True, slots=True)
class VoiceQuality:
    """The figures of one voice, as plan, comment and report show them."""

    alias: str
    files: tuple[FileQuality, ...]
    audio_s: float
    speech_s: float
    minimum_s: float  # the engine's minimum total audio
    loudness_lufs: float  # the median of the files' integrated loudness
    peak_dbfs: float  # the loudest file's peak
    clipped_files: int
    errors: int = 0
    warnings: int = 0
    worst: str | None = None  # the first finding of the worst severity

    @property
    def predicted_discards(self) -> tuple[FileQuality, ...]:
        return tuple(f for f in self.files if f.predicted_discard is not None)
