"""Fixtures for the emulator tests (tests/support/emulatorrig.py)."""

from __future__ import annotations

from tests.support.emulatorrig import (
    admin,
    client,
    create,
    emulator,
    history,
    make_client,
    upload_file,
    voice_files,
    wav,
)

__all__ = [
    "admin",
    "client",
    "create",
    "emulator",
    "history",
    "make_client",
    "upload_file",
    "voice_files",
    "wav",
]
