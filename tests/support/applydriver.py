"""A tiny apply process for the crash tests: execute() against a served emulator.

Usage: python applydriver.py <base_url> <spec.json> <repo root>. Prints `ready` once imported,
then runs to completion (unless the test kills it) and prints the exit code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from reconciler.apply.engine import ApplyTiming, execute
from reconciler.audiostack.client import AudioStackClient
from reconciler.model.errors import Location
from reconciler.model.values import Alias, AudioInfo, Declaration, DeclaredFile, RemoteState, Sha256
from reconciler.plan.diff import compare
from reconciler.plan.policy import Policy

EMPTY = RemoteState({}, {}, {}, credits_remaining=None)


def load_writes(spec: Path) -> list[Declaration]:
    writes = []
    for voice in json.loads(spec.read_text(encoding="utf-8")):
        files = tuple(
            DeclaredFile(
                Location(f["path"], 1, 1),
                path=f["path"],
                audio=AudioInfo(Sha256(f["sha256"]), f["bytes"], "wav", f["duration_s"]),
            )
            for f in voice["files"]
        )
        writes.append(
            Declaration(
                alias=Alias(voice["alias"]),
                engine="voice_engine_3",
                language="en-GB",
                files=files,
                source=Location(f"voices/{voice['alias']}.yaml", 1, 8),
            )
        )
    return writes


def main() -> int:
    base_url, spec, root = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    writes = load_writes(spec)
    print("ready", flush=True)
    with AudioStackClient(base_url, "emulator") as client:
        changes = compare(writes, EMPTY, Policy("acme")).writes  # as a plan made before the run
        timing = ApplyTiming(poll_interval_s=0.05)
        report = execute(changes, client, owner="acme", root=root, timing=timing)
    print(report.exit_code, flush=True)
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
