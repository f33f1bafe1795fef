"""Targets for the contract suite: the emulator in-process and served on loopback, and the
real AudioStack API only when AUDIOSTACK_API_KEY and VOICECTL_LIVE=1 are both set."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from reconciler.emulator.core import Emulator
from reconciler.emulator.server import serve_in_thread
from reconciler.emulator.transport import EmulatorTransport
from tests.support.contracttarget import LIVE, LIVE_BASE, Target

PARAMS = [pytest.param("in-process"), pytest.param("served")]
if LIVE:
    PARAMS.append(pytest.param("live", marks=pytest.mark.live))


@pytest.fixture(params=PARAMS)
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    kind = request.param
    if kind == "live":
        made = Target(
            "live",
            os.environ.get("AUDIOSTACK_API_URL", LIVE_BASE).rstrip("/"),
            os.environ["AUDIOSTACK_API_KEY"],
            emulated=False,
        )
        yield made
        made.close()
        return
    emulator = Emulator(":memory:", clock_mode="immediate")
    if kind == "in-process":
        transport = EmulatorTransport(emulator)
        made = Target(kind, transport.base_url, "emulator", transport)
        yield made
        made.close()
    else:
        running = serve_in_thread(emulator)
        made = Target(kind, running.base_url, "emulator")
        yield made
        made.close()
        running.close()
    assert emulator.internal_errors == []
    emulator.close()
