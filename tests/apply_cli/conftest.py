"""Fixtures for the CLI-level apply tests: the served emulator (one per session, reset per
test) and throw-away git repositories, from tests/cli's rig (imported, not copied)."""

from __future__ import annotations

import sys
from pathlib import Path

# the served-emulator rig lives in tests/cli
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))

from clifixtures import emu, new_repo, repo, served_emulator

__all__ = ["emu", "new_repo", "repo", "served_emulator"]
