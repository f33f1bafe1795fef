"""Fixtures for the end-to-end CLI tests: the served emulator (one per test session, reset
per test) and a throw-away git repository whose runs target it (tests/cli/clifixtures.py)."""

from __future__ import annotations

import sys
from pathlib import Path

# planschema (tests/plan) validates every JSON plan these tests produce
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plan"))

from clifixtures import OWNER, emu, new_repo, repo, served_emulator

__all__ = ["OWNER", "emu", "new_repo", "repo", "served_emulator"]
