"""Fixtures for the audio-quality tests: generated recordings with known properties
(tests/support/signals.py) and, for the end-to-end ones, the served emulator and
repositories of tests/support/clifixtures.py."""

from __future__ import annotations

from tests.support.clifixtures import OWNER, emu, new_repo, repo, served_emulator

__all__ = ["OWNER", "emu", "new_repo", "repo", "served_emulator"]
