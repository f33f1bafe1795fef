"""Integrated loudness (ITU-R BS.1770-4, LUFS) from a stream of blocks, in bounded memory.

Each 100 ms sub-block's K-weighted energy is taken in the frequency domain (Parseval over
the K-weighting filter's magnitude response, the coefficients libebur128 and ffmpeg use
for any sample rate); a gating block is four consecutive sub-blocks (400 ms, 75 %
overlap). Then the absolute (−70 LUFS) and relative (−10 LU) gates of the standard.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from reconciler.model.quality import DB_FLOOR

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0


def k_weighting_power(rate: int, n: int) -> npt.NDArray[np.float64]:
    """|H(f)|² of the K-weighting cascade at the rfft bins of an n-point transform."""
    import numpy as np

    f0, gain, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh, vb = 10 ** (gain / 20), (10 ** (gain / 20)) ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = (
        (vh + vb * k / q + k * k) / a0,
        2 * (k * k - vh) / a0,
        (vh - vb * k / q + k * k) / a0,
    )
    shelf_a = (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    high_b = (1.0, -2.0, 1.0)
    high_a = (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    z = np.exp(-1j * np.pi * np.arange(n // 2 + 1) / (n / 2))  # z^-1 at each bin

    def response(b: tuple[float, ...], a: tuple[float, ...]) -> npt.NDArray[np.complex128]:
        result: npt.NDArray[np.complex128] = (b[0] + b[1] * z + b[2] * z * z) / (
            a[0] + a[1] * z + a[2] * z * z
        )
        return result

    power: npt.NDArray[np.float64] = (
        np.abs(response(shelf_b, shelf_a) * response(high_b, high_a)) ** 2
    )
    return power


class LoudnessMeter:
    """Feed blocks whose length is a multiple of `sub_frames`; read `integrated()`."""

    def __init__(self, rate: int, sub_frames: int) -> None:
        import numpy as np

        self.sub = sub_frames
        weights = k_weighting_power(rate, sub_frames)
        # Parseval for a real signal: bins 1..n/2-1 count twice
        weights[1 : (sub_frames + 1) // 2] *= 2
        self.pair_weights = np.repeat(weights / (sub_frames * sub_frames), 2).astype(np.float32)
        self.energies: list[npt.NDArray[np.float64]] = []
        self._np = np

    def feed(self, block: npt.NDArray[np.float32]) -> None:
        np = self._np
        count = len(block) // self.sub
        if count == 0:
            return
        # one contiguous row per (channel, sub-block): the transform is twice as fast
        rows = np.ascontiguousarray(block[: count * self.sub].T).reshape(-1, self.sub)
        # (re, im) pairs squared in place, weighted per bin by |H|²
        pairs = np.fft.rfft(rows, axis=1).view(np.float32)
        np.square(pairs, out=pairs)
        # BS.1770 channel weights are 1.0 for left, right and centre: sum the channels
        energy = (pairs @ self.pair_weights).reshape(-1, count).sum(axis=0, dtype=np.float64)
        self.energies.append(energy)

    def integrated(self) -> float:
        np = self._np
        if not self.energies:
            return DB_FLOOR
        subs = np.concatenate(self.energies)
        if len(subs) < 4:
            return DB_FLOOR
        blocks = (subs[:-3] + subs[1:-2] + subs[2:-1] + subs[3:]) / 4
        with np.errstate(divide="ignore"):
            levels = -0.691 + 10 * np.log10(blocks)
        kept = blocks[levels > ABSOLUTE_GATE]
        if len(kept) == 0:
            return DB_FLOOR
        relative = -0.691 + 10 * math.log10(float(kept.mean())) + RELATIVE_GATE
        gated = blocks[levels > max(relative, ABSOLUTE_GATE)]
        if len(gated) == 0:
            return DB_FLOOR
        return max(DB_FLOOR, -0.691 + 10 * math.log10(float(gated.mean())))
