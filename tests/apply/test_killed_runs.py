"""Crash safety: SIGKILL an apply process after a seeded random number of requests, many
times, then run it to the end. One clone per alias, every file uploaded once, nothing left
to create."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.emulator.server import RunningServer, serve_in_thread
from reconciler.model.values import Declaration
from tests.support import applydriver
from tests.support.applyrig import Rig, one_record_per_alias, plan_writes

DRIVER = Path(applydriver.__file__)
REPO = Path(__file__).resolve().parents[2]
KILLS = 12
SEED = 20261125


@pytest.fixture
def served(rig: Rig) -> Iterator[RunningServer]:
    server = serve_in_thread(rig.emulator)
    yield server
    server.close()


def _spec(rig: Rig, aliases: list[str]) -> tuple[Path, list[Declaration]]:
    shared = rig.wav("voices/shared/intro.wav")
    voices, decls = [], []
    for alias in aliases:
        decl = rig.declare(alias, 2, extra=(shared,) if alias.endswith(("1", "2")) else ())
        files = [
            {"path": f.path, "sha256": f.audio.sha256, "bytes": f.audio.bytes, "duration_s": 2.0}
            for f in decl.files
            if f.audio is not None
        ]
        voices.append({"alias": alias, "files": files})
        decls.append(decl)
    path = rig.root / "spec.json"
    path.write_text(json.dumps(voices), encoding="utf-8")
    return path, decls


def _start(base_url: str, spec: Path, root: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, str(DRIVER), base_url, str(spec), str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _until_it_sent(rig: Rig, process: subprocess.Popen[str], count: int) -> None:
    """Wait until the emulator has logged `count` requests (or the process ended): a kill
    lands after a seeded amount of work, however slowly a loaded machine runs it."""
    deadline = time.monotonic() + 30
    while len(rig.requests()) < count and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)


def test_killed_applies_converge_to_one_clone_per_alias_and_one_upload_per_file(
    rig: Rig, served: RunningServer
) -> None:
    aliases = [f"voice-{n:02d}" for n in range(10)]
    spec, declared = _spec(rig, aliases)
    rig.fault(delay_s=0.08)  # requests overlap in flight: a kill lands amid several
    chance = random.Random(SEED)
    progress: list[tuple[int, int]] = []
    for _ in range(KILLS):
        sent = len(rig.requests())
        process = _start(served.base_url, spec, rig.root)
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        _until_it_sent(rig, process, sent + chance.randint(1, 25))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        state = rig.state()
        progress.append((len(state["clones"]), len(state["files"])))
    # the kills landed at different stages of the work
    assert progress[0] < (10, 21) and len(set(progress)) >= 4, progress
    rig.faults_clear()
    final = _start(served.base_url, spec, rig.root)
    out, err = final.communicate(timeout=60)
    assert final.returncode == 0, err
    assert out.splitlines() == ["ready", "0"]
    one_record_per_alias(rig, aliases)
    files = rig.state()["files"]
    uploaded = Counter(f["sha256"] for f in files if f["status"] == "uploaded")
    assert len(uploaded) == 21 and set(uploaded.values()) == {1}
    assert rig.balance() == 10_000 - 300 * len(aliases)
    assert plan_writes(rig, declared) == []
    # nothing left: one more process only reads (and adopts)
    rig.clear_requests()
    again = _start(served.base_url, spec, rig.root)
    again.communicate(timeout=60)
    writes = {(r["method"], r["route"]) for r in rig.requests() if r["method"] != "GET"}
    assert writes == set()
