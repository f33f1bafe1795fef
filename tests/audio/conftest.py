"""Fixtures for the audio-quality tests: generated recordings with known properties
(signals.py) and, for the end-to-end ones, tests/cli's served emulator and repositories."""

from __future__ import annotations

import sys
from pathlib import Path

# the served-emulator rig lives in tests/cli; planschema (tests/plan) checks JSON plans
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plan"))

from clifixtures import OWNER, emu, new_repo, repo, served_emulator

__all__ = ["OWNER", "emu", "new_repo", "repo", "served_emulator"]
