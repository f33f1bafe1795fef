"""The emulator's injectable clock: wall time plus a virtual offset, and the transition mode.

Only time arithmetic lives here; which clone moves when is lifecycle.py's business.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from reconciler.emulator.limits import EngineRules

IMMEDIATE = "immediate"
TIME = "time"
MANUAL = "manual"
MODES = (IMMEDIATE, TIME, MANUAL)  # INVENTED: api-contract.md E4


class EmulatorClock:
    """Virtual now = wall clock + offset; `advance` and `set_now` move only the offset."""

    def __init__(
        self,
        mode: str = TIME,
        *,
        time_scale: float = 1.0,
        offset: float = 0.0,
        wall: Callable[[], float] = time.time,
    ) -> None:
        check_mode(mode)
        check_scale(time_scale)
        self._mode = mode
        self._scale = float(time_scale)
        self._offset = float(offset)
        self._wall = wall
        self._lock = threading.Lock()

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def time_scale(self) -> float:
        return self._scale

    @property
    def offset(self) -> float:
        return self._offset

    def now(self) -> float:
        return self._wall() + self._offset

    def set_mode(self, mode: str) -> None:
        check_mode(mode)
        self._mode = mode

    def set_scale(self, time_scale: float) -> None:
        check_scale(time_scale)
        self._scale = float(time_scale)

    def set_now(self, epoch: float) -> None:
        with self._lock:
            self._offset = float(epoch) - self._wall()

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += float(seconds)

    def phase_seconds(self, rules: EngineRules, status: str) -> float | None:
        """How long a clone stays in `status` under the current mode; None = until told."""
        if self._mode == MANUAL:
            return None
        if self._mode == IMMEDIATE:
            return 0.0  # INVENTED: api-contract.md E4 (the next request sees the end state)
        base = rules.preparing_s if status == "preparing" else rules.in_progress_s
        return base * self._scale

    def describe(self) -> dict[str, object]:
        return {"mode": self._mode, "now": self.now(), "timeScale": self._scale}


def check_mode(mode: object) -> None:
    if mode not in MODES:
        raise ValueError(f"clock mode must be one of {', '.join(MODES)}, not {mode!r}")


def check_scale(scale: object) -> None:
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 < scale < 1e9:
        raise ValueError("time scale must be a positive number")
