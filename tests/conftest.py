"""Suite-wide test settings: no real network, a clean environment for every test."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest

from reconciler.redact import forget_secrets

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not (
        host.startswith("127.") or host in ("localhost", "::1") or self.family == socket.AF_UNIX
    ):
        raise RuntimeError(f"tests may only connect to loopback, not {host!r}")
    return _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _no_network_and_no_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    live = os.environ.get("VOICECTL_LIVE") == "1" and bool(os.environ.get("AUDIOSTACK_API_KEY"))
    if not live:  # the live contract suite (tests/contract) may reach the real API
        monkeypatch.setattr(socket.socket, "connect", _loopback_only)
        for name in ("AUDIOSTACK_API_KEY", "AUDIOSTACK_API_URL", "AUDIOSTACK_ORG_ID"):
            monkeypatch.delenv(name, raising=False)
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT", "NO_COLOR", "CI"):
        monkeypatch.delenv(name, raising=False)
    yield
    forget_secrets()  # a secret registered by one test must not mask text in the next
