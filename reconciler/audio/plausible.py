"""Cheap cross-checks of the duration a header claims against the file itself (no decode).

A header is input like any other: a 42-byte FLAC whose STREAMINFO claims hours, or a WAV
declaring 1 Hz, would pass the 20-minute rule and be charged for. Real speech audio needs
a sample rate a microphone records and some bytes per second of sound, whatever the codec.
"""

from __future__ import annotations

from fractions import Fraction

MIN_RATE_HZ = 1_000
MAX_RATE_HZ = 768_000
MIN_BYTES_PER_S = 500  # 4 kbit/s: below the lowest speech codec setting AudioStack takes


class ImplausibleAudio(Exception):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def span(seconds: Fraction | float) -> str:
    """1 h 2 min 3.4 s / 2 min 3.4 s / 3.4 s."""
    whole = float(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{secs:.1f} s"
    if minutes or hours:
        text = f"{int(minutes)} min {text}"
    return f"{int(hours)} h {text}" if hours else text


def check_plausible(display: str, duration: Fraction, size: int, rate: int) -> None:
    """Raise ImplausibleAudio when `duration` (from the header) cannot fit in `size` bytes
    or `rate` is no recording's sample rate (0: unknown, not checked)."""
    if rate and not MIN_RATE_HZ <= rate <= MAX_RATE_HZ:
        raise ImplausibleAudio(
            f"{display} declares a sample rate of {rate:,} Hz, which no recording has "
            f"({MIN_RATE_HZ:,} to {MAX_RATE_HZ:,} Hz expected)",
            "re-export the recording (e.g. 44,100 or 48,000 Hz)",
        )
    if duration > 0 and size < duration * MIN_BYTES_PER_S:
        per_second = float(size / duration)
        raise ImplausibleAudio(
            f"{display} claims {span(duration)} of audio in {size:,} bytes "
            f"({per_second:,.1f} bytes per second; real audio has at least {MIN_BYTES_PER_S})",
            "the header does not match the file: re-export the recording",
        )
