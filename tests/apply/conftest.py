"""Fixtures for the apply engine tests: the `rig` of tests/support/applyrig.py."""

from __future__ import annotations

from tests.support.applyrig import rig

__all__ = ["rig"]
