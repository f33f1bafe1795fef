"""Fixtures for the client tests: a virtual clock, the request records, a client on a
scripted peer and an emulator rig (tests/support/clientrig.py)."""

from __future__ import annotations

from tests.support.clientrig import clock, make_client, records, rig

__all__ = ["clock", "make_client", "records", "rig"]
