"""Helpers for the CLI-level apply tests: what the emulator's request log and state say
(writes, clone POSTs, records per alias) and `voicectl` run as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

from tests.support.clirig import Emu, Repo

OWNER = "acme/voices"
CLONES = "/speech/voice-cloning"


def writes(emu: Emu) -> list[tuple[str, str]]:
    """Every request other than a GET the emulator saw, as (method, path)."""
    return [(r["method"], r["path"]) for r in emu.requests() if r["method"] != "GET"]


def clone_posts(emu: Emu) -> list[dict[str, Any]]:
    return [r for r in emu.requests() if r["method"] == "POST" and r["path"] == CLONES]


def one_record_per_alias(emu: Emu, aliases: list[str]) -> None:
    """Exactly one clone record per alias, stamped with our owner; never a DELETE/PATCH."""
    for alias in aliases:
        records = emu.clones(alias)
        assert len(records) == 1, (alias, records)
        assert records[0]["metadata"]["managed_by"] == f"voicectl:{OWNER}"
    assert not {r["method"] for r in emu.requests()} & {"DELETE", "PATCH"}


def voicectl_process(
    repo: Repo, *argv: str, env: Mapping[str, str] | None = None
) -> subprocess.Popen[str]:
    """`python -m reconciler ARGV` in `repo` as a separate process (pipes, no TTY)."""
    environ = {"PATH": os.environ.get("PATH", ""), **repo.env, **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "reconciler", *argv],
        cwd=repo.root,
        env=environ,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition: Callable[[], bool], timeout_s: float = 20.0) -> None:
    """Poll `condition` every 20 ms; fail the test when it stays false for `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)
