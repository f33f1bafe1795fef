"""Fingerprint distance: the lowest bit error rate over small offsets, by its definition
(plain Python ints here against the vectorised code)."""

from __future__ import annotations

import random

import pytest

from reconciler.audio.fingerprint import MAX_SHIFT, MIN_FRAMES, distance


def _by_definition(first: str, second: str) -> float | None:
    a = [int(first[i : i + 4], 16) for i in range(0, len(first), 4)]
    b = [int(second[i : i + 4], 16) for i in range(0, len(second), 4)]
    rates = []
    for shift in range(-MAX_SHIFT, MAX_SHIFT + 1):
        x, y = (a[shift:], b) if shift >= 0 else (a, b[-shift:])
        pairs = [(p, q) for p, q in zip(x, y, strict=False) if p and q]  # quiet frames are 0
        if len(pairs) >= MIN_FRAMES:
            rates.append(sum((p ^ q).bit_count() for p, q in pairs) / (16 * len(pairs)))
    return min(rates, default=None)


def _fingerprint(chance: random.Random, frames: int) -> str:
    return "".join(
        "0000" if chance.random() < 0.2 else f"{chance.getrandbits(16):04x}" for _ in range(frames)
    )


@pytest.mark.parametrize("seed", range(200))
def test_distance_is_the_lowest_bit_error_rate_over_the_offsets(seed: int) -> None:
    chance = random.Random(seed)
    first = _fingerprint(chance, chance.randint(0, 40))
    second = first if seed % 4 == 0 else _fingerprint(chance, chance.randint(0, 40))
    if seed % 4 == 1:  # the same recording, trimmed and slightly changed
        second = first[8:]
        second = second[:4] + f"{int(second[4:8] or '0', 16) ^ 1:04x}" + second[8:]
    assert distance(first, second) == _by_definition(first, second)


def test_same_is_zero_and_too_short_is_none() -> None:
    words = "".join(f"{n:04x}" for n in range(1, 30))
    assert distance(words, words) == 0.0
    assert distance(words[: 4 * (MIN_FRAMES - 1)], words) is None
    assert distance("", words) is None
