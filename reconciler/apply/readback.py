"""When the read back before a voice's first create can be skipped.

The plan's clone listing is the read back when it is complete (list-all answered, E26) and
fresh (read by this process at most `FRESH_S` seconds before the create): it holds every
record of the alias we can see. Anything created since, by a concurrent run or anyone
else, makes the create answer 409, and that path reads back as before. Every POST after
a lost or refused answer still reads back first (reliability.md §1.4).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from reconciler.model.values import Alias, RemoteClone, RemoteState

FRESH_S = 600.0


@dataclass(frozen=True, slots=True)
class KnownHistories:
    """The plan's complete clone listing and when it was read (monotonic seconds)."""

    clones: Mapping[Alias, tuple[RemoteClone, ...]]
    read_at: float
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def of(cls, remote: RemoteState | None) -> KnownHistories | None:
        if remote is None or not remote.complete_listing or remote.read_at is None:
            return None
        return cls(remote.clones, remote.read_at)

    def history(self, alias: Alias) -> tuple[RemoteClone, ...] | None:
        """The alias's records as listed, or None when the listing is too old to trust."""
        if self.clock() - self.read_at > FRESH_S:
            return None
        return self.clones.get(alias, ())
