"""The engine table from the seed guide (api-contract.md §5), as one data table.

Every rule about engines reads this table; no engine number appears anywhere else in the
client side. The emulator keeps its own copy (reconciler/emulator/limits.py) on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1_000_000  # api-contract.md E9: MB means 10^6 bytes


@dataclass(frozen=True, slots=True)
class EngineLimits:
    name: str
    label: str
    max_files: int
    min_file_s: float
    min_total_s: float
    max_total_bytes: int
    credits: int
    consent_required: bool
    ssml: bool
    multilingual: bool
    latency_500_chars_s: float
    turnaround: str
    recommended_non_english_s: float | None = None


ENGINES: dict[str, EngineLimits] = {
    "voice_engine_2": EngineLimits(
        name="voice_engine_2",
        label="Standard",
        max_files=500,
        min_file_s=1.5,
        min_total_s=20 * 60,
        max_total_bytes=500 * MB,
        credits=1200,
        consent_required=True,
        ssml=True,
        multilingual=False,
        latency_500_chars_s=4,
        turnaround="up to a few hours",
        recommended_non_english_s=45 * 60,
    ),
    "voice_engine_3": EngineLimits(
        name="voice_engine_3",
        label="Instant",
        max_files=25,
        min_file_s=1.5,
        min_total_s=1.5,
        max_total_bytes=10 * MB,
        credits=300,
        consent_required=False,
        ssml=False,
        multilingual=True,
        latency_500_chars_s=20,
        turnaround="instant",
    ),
}

ENGINE_NAMES: tuple[str, ...] = tuple(sorted(ENGINES))


def engine_limits(name: str) -> EngineLimits | None:
    return ENGINES.get(name)


def total_hint(limits: EngineLimits) -> str:
    """The fix for a voice with too little audio."""
    return (
        f"add recordings until the files add up to at least {limits.min_total_s:g} s "
        f"(files under {limits.min_file_s:g} s do not count)"
    )
