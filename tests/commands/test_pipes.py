"""Output piped into a reader that stops early (`voicectl plan | head`) is not an error:
no traceback, no "internal error", and the shell's usual 141 (128 + SIGPIPE)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.clifixtures import embedded
from tests.support.clirig import Repo, voice_yaml

repo = embedded  # this module runs on the embedded emulator, not the served one


def test_plan_into_a_reader_that_leaves_exits_141_quietly(repo: Repo) -> None:
    for n in range(3):
        repo.write(f"voices/v{n:03d}.yaml", voice_yaml(f"voice-{n:03d}", "audio/a1.wav"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDIOSTACK_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "plan", "--format", "json"],
        cwd=repo.root,
        env={**env, **repo.env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader leaves before the plan is printed, like `head -0`
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert "Traceback" not in err and "internal error" not in err
    assert err == "target: emulator (no AUDIOSTACK_API_KEY)\n"
