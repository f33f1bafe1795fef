"""Durations as integer microseconds, so limits are exact on both sides (issue 12).

A float sum of 500 × 2.4 s is 1199.9999999999 s, not 20 minutes; a duration rounded to
milliseconds turns 1.499875 s into 1.5 s. Every engine rule compares integer µs: a file's
µs is its exact duration (frames / rate as a Fraction) rounded to the nearest µs, the same
6-decimal value the emulator measures. Also the human forms of a duration and a limit.
"""

from __future__ import annotations

from fractions import Fraction

US_PER_S = 1_000_000


def micros(seconds: Fraction | float | int) -> int:
    """Seconds → integer microseconds (nearest; exact for Fractions and 6-decimal floats)."""
    return round(Fraction(seconds) * US_PER_S)


def secs(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def exact_secs(us: int) -> str:
    """µs as seconds with as many decimals as needed to tell it from a limit (max 6)."""
    text = f"{us / US_PER_S:.6f}".rstrip("0").rstrip(".")
    return text if "." not in text or len(text.split(".")[1]) > 2 else secs(us / US_PER_S)


def span(us: int) -> str:
    """`58.5 s`, `19 min 59.999875 s`: never rounded up to the limit it misses."""
    minutes, rest = divmod(us, 60 * US_PER_S)
    if not minutes:
        return f"{exact_secs(rest)} s"
    return f"{minutes} min {exact_secs(rest)} s"


def limit_text(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} seconds"
