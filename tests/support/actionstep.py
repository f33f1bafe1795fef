"""The composite action (action.yml) run alone, as the one step of a simulated job, with
voicectl replaced by a stub script: what the action passes to voicectl and what it makes
of the exit codes and outputs (tests/github/test_github_action*.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.support.actionrunner import MACHINE_ENV, Runner, StepResult


def run_action_step(
    tmp_path: Path, stub_script: str, with_: dict[str, str], env: dict[str, str]
) -> tuple[StepResult, str]:
    """Run action.yml as the one step of a job, with voicectl replaced by `stub_script`
    (the workspace is tmp_path/ws; put any files it needs there first)."""
    ws = tmp_path / "ws"
    ws.mkdir(parents=True, exist_ok=True)
    shutil.copy2(Path(__file__).resolve().parents[2] / "action.yml", ws / "action.yml")
    stub = tmp_path / "voicectl-stub"
    stub.write_text(stub_script)
    stub.chmod(0o755)
    workflow = tmp_path / "wf.yml"
    step = {"id": "v", "uses": "./", "with": with_, "env": env}
    workflow.write_text(yaml.safe_dump({"jobs": {"j": {"steps": [step]}}}))
    runner = Runner(
        workspace=ws,
        temp_root=tmp_path / "t",
        artifacts=tmp_path / "a",
        voicectl_bin=stub,
        github={"repository": "acme/voices", "event_name": "push", "sha": "0" * 40, "event": {}},
        secrets={},
        env=dict(MACHINE_ENV),
    )
    job = runner.run_workflow(workflow)["j"]
    return job.steps[0], job.raw_log
