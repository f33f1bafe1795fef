"""Static checks of the shipped workflows, the composite action and the pre-commit hook (S11)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
NAMES = ("ci.yml", "voices-plan.yml", "voices-apply.yml", "voices-drift.yml")
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # PyYAML reads the key `on` as the YAML 1.1 boolean
        data["on"] = data.pop(True)
    return data


def _workflows() -> dict[str, dict[str, Any]]:
    return {name: _load(WORKFLOWS / name) for name in NAMES}


def _steps(doc: dict[str, Any]) -> list[dict[str, Any]]:
    if "runs" in doc:
        return list(doc["runs"]["steps"])
    return [step for job in doc["jobs"].values() for step in job.get("steps", [])]


def _all_docs() -> dict[str, dict[str, Any]]:
    return {**_workflows(), "action.yml": _load(ROOT / "action.yml")}


def test_every_workflow_is_shipped():
    assert sorted(p.name for p in WORKFLOWS.glob("*.yml")) == sorted(NAMES)


def test_every_uses_is_pinned_to_a_full_commit_sha_with_a_version_comment():
    for name, doc in _all_docs().items():
        for step in _steps(doc):
            uses = step.get("uses")
            if uses is None or uses == "./":
                continue
            assert PINNED.match(uses), f"{name}: {uses} is not pinned to a 40-hex commit SHA"
    for path in [*WORKFLOWS.glob("*.yml"), ROOT / "action.yml"]:
        for line in path.read_text().splitlines():
            if "uses:" in line and "uses: ./" not in line:
                assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), f"{path.name}: {line}"


WRITES = {
    ("voices-plan.yml", "comment", "pull-requests"),
    ("voices-apply.yml", "report", "pull-requests"),
    ("voices-drift.yml", "drift", "issues"),
}


def test_the_drift_job_keeps_one_issue_per_target():
    drift = _workflows()["voices-drift.yml"]["jobs"]["drift"]
    (step,) = [s for s in drift["steps"] if s.get("with", {}).get("command") == "drift"]
    assert step["with"]["args"] == "--issue"
    assert step["env"]["GITHUB_TOKEN"] == "${{ github.token }}"
    assert drift["permissions"] == {"contents": "read", "issues": "write"}


def test_every_job_has_explicit_least_privilege_permissions():
    for name, doc in _workflows().items():
        assert doc["permissions"] == {}, f"{name}: workflow-level permissions must be {{}}"
        for job_name, job in doc["jobs"].items():
            assert "permissions" in job, f"{name}: job {job_name} has no permissions"
            for scope, level in job["permissions"].items():
                assert level in ("read", "write"), f"{name}: {job_name}.{scope}={level}"
                if level == "write":  # the sticky plan comment and the drift issue only
                    assert (name, job_name, scope) in WRITES, (name, job_name, scope)


def test_no_pull_request_target_anywhere():
    for path in WORKFLOWS.glob("*.yml"):
        assert "pull_request_target" not in path.read_text(), path.name
        assert "pull_request_target" not in _load(path)["on"]


def test_apply_is_serialised_per_merge_and_per_target_and_never_cancelled():
    apply = _workflows()["voices-apply.yml"]
    assert apply["concurrency"] == {"group": "voicectl-apply", "cancel-in-progress": False}
    assert apply["jobs"]["apply"]["concurrency"] == {
        "group": "voicectl-apply-${{ matrix.target }}",
        "cancel-in-progress": False,
    }
    for job in apply["jobs"].values():
        assert job.get("concurrency", {}).get("cancel-in-progress") is not True
    assert "cancel-in-progress: true" not in (WORKFLOWS / "voices-apply.yml").read_text()


def test_apply_runs_on_push_to_main_one_job_per_changed_target_in_its_environment():
    apply = _workflows()["voices-apply.yml"]
    assert list(apply["on"]) == ["push"]
    assert apply["on"]["push"]["branches"] == ["main"]
    plan = apply["jobs"]["plan"]
    assert plan["outputs"]["changed-targets"] == "${{ steps.plan.outputs.changed-targets }}"
    job = apply["jobs"]["apply"]
    assert job["name"] == "apply (${{ matrix.target }})"
    assert job["strategy"] == {
        "fail-fast": False,
        "matrix": {"include": "${{ fromJSON(needs.plan.outputs.changed-targets) }}"},
    }
    assert job["environment"] == "${{ matrix.environment }}"
    assert (job["needs"], job["if"]) == ("plan", "needs.plan.outputs.has-changes == 'true'")
    runs = [s.get("with", {}) for s in job["steps"] if s.get("uses") == "./"]
    assert runs == [
        {
            "command": "apply",
            "targets": "${{ matrix.target }}",
            "plan-file": "plan.json",
            "report-file": "report.json",
            "ok-exit-codes": "0",
        }
    ]
    report = apply["jobs"]["report"]
    assert (report["needs"], report["if"]) == (
        ["plan", "apply"],
        "${{ !cancelled() && needs.apply.result != 'skipped' }}",
    )
    runs = [s.get("with", {}) for s in report["steps"] if s.get("uses") == "./"]
    assert runs == [
        {"command": "comment", "targets": "all", "report-file": "report.json", "ok-exit-codes": "0"}
    ]
    checks = [s.get("with", {}) for s in apply["jobs"]["plan"]["steps"] if s.get("uses") == "./"]
    assert {
        "command": "comment",
        "args": "--check-reviewed",
        "targets": "all",
        "plan-file": "plan.json",
        "ok-exit-codes": "0",
    } in checks


def test_every_target_is_planned_commented_applied_and_checked_for_drift():
    seen = set()
    every = ("all", "${{ matrix.target }}", "${{ needs.validate.outputs.targets }}")
    for name, doc in _workflows().items():
        for step in _steps(doc):
            with_ = step.get("with", {})
            command = with_.get("command")
            if step.get("uses") == "./" and command not in ("validate", "targets"):
                if with_.get("failed") != "validate":  # a validate failure names no target
                    assert with_.get("targets") in every, f"{name}: {step.get('name')}"
                seen.add(command)
    assert seen == {"plan", "comment", "apply", "drift"}


def test_the_plan_workflow_runs_one_job_per_target_and_one_comment_job():
    plan = _workflows()["voices-plan.yml"]
    validate, job, comment = (plan["jobs"][n] for n in ("validate", "plan", "comment"))
    targets = [s for s in validate["steps"] if s.get("id") == "targets"]
    assert [s["with"]["command"] for s in targets] == ["targets"]
    assert validate["outputs"] == {
        "targets": "${{ steps.targets.outputs.targets }}",
        "matrix": "${{ steps.targets.outputs.matrix }}",
    }
    assert job["strategy"] == {
        "fail-fast": False,
        "matrix": {"target": "${{ fromJSON(needs.validate.outputs.matrix) }}"},
    }
    assert job["concurrency"] == {
        "group": "voices-plan-${{ github.event.pull_request.number }}-${{ matrix.target }}",
        "cancel-in-progress": True,
    }
    assert job["permissions"] == {"contents": "read"}  # the comment job alone writes
    (upload,) = [s for s in job["steps"] if "upload-artifact" in str(s.get("uses"))]
    assert upload["if"] == "${{ !cancelled() }}"  # a failed plan still hands on its log
    assert upload["with"]["name"] == "voicectl-plan-${{ matrix.target }}"
    assert upload["with"]["path"].split() == ["plan*.json", "plan*.log"]
    assert comment["needs"] == ["validate", "plan"]
    assert comment["if"] == (
        "${{ !cancelled() && github.event.pull_request.head.repo.full_name == github.repository }}"
    )
    posts = {s["name"]: (s["if"], s["with"]) for s in comment["steps"] if s.get("uses") == "./"}
    assert posts == {
        "voicectl comment (validate failed)": (
            "needs.validate.result == 'failure'",
            {
                "command": "comment",
                "failed": "validate",
                "log-file": "validate.log",
                "ok-exit-codes": "0",
            },
        ),
        "voicectl comment": (
            "needs.validate.result == 'success'",
            {
                "command": "comment",
                "targets": "${{ needs.validate.outputs.targets }}",
                "plan-file": "plan.json",
                "log-file": "plan.log",
                "ok-exit-codes": "0",
            },
        ),
    }


def test_drift_runs_one_job_per_target():
    drift = _workflows()["voices-drift.yml"]
    assert drift["jobs"]["targets"]["outputs"] == {"matrix": "${{ steps.targets.outputs.matrix }}"}
    job = drift["jobs"]["drift"]
    assert job["strategy"]["matrix"] == {"target": "${{ fromJSON(needs.targets.outputs.matrix) }}"}
    assert job["concurrency"]["group"] == "voicectl-drift-${{ matrix.target }}"


def test_no_expression_is_interpolated_into_a_run_script():
    for name, doc in _all_docs().items():
        for step in _steps(doc):
            if "run" in step:
                assert "${{" not in step["run"], f"{name}: {step.get('name')} interpolates"


def test_every_checkout_drops_its_credentials():
    for name, doc in _all_docs().items():
        for step in _steps(doc):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name


def test_fork_pull_requests_get_validate_only_and_no_secret():
    plan = _workflows()["voices-plan.yml"]
    assert list(plan["on"]) == ["pull_request"]
    assert plan["on"]["pull_request"]["paths"] == ["voices/**", "voicectl.yaml"]
    validate = plan["jobs"]["validate"]
    assert "secrets." not in yaml.safe_dump(validate)
    assert validate["permissions"] == {"contents": "read"}
    job = plan["jobs"]["plan"]
    assert job["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    steps = {s.get("name"): s for s in job["steps"]}
    assert steps["voicectl plan"]["with"]["base"] == "origin/${{ github.base_ref }}"
    steps = {s.get("name"): s for s in plan["jobs"]["comment"]["steps"]}
    assert steps["voicectl comment"]["env"] == {"GITHUB_TOKEN": "${{ github.token }}"}


def test_secrets_reach_only_the_steps_that_need_them():
    for name, doc in _workflows().items():
        for job_name, job in doc["jobs"].items():
            assert "secrets." not in yaml.safe_dump(job.get("env", {})), f"{name}: {job_name}"
            for step in job.get("steps", []):
                for key, value in step.get("env", {}).items():
                    if "secrets." in str(value):
                        assert key == "AUDIOSTACK_API_KEY", f"{name}: {key}"


def test_composite_action_maps_inputs_through_env_and_captures_the_exit_code():
    action = _load(ROOT / "action.yml")
    assert action["runs"]["using"] == "composite"
    assert {"command", "args", "working-directory", "plan-file", "max-credits", "base"} <= set(
        action["inputs"]
    )
    assert action["outputs"]["exit-code"]["value"] == "${{ steps.run.outputs.exit-code }}"
    steps = action["runs"]["steps"]
    assert all(step["shell"] == "bash" for step in steps)
    install, run = steps
    assert (
        'pip install --quiet --disable-pip-version-check "${GITHUB_ACTION_PATH}"' in install["run"]
    )
    assert run["env"]["VOICECTL_COMMAND"] == "${{ inputs.command }}"
    assert "set +e" in run["run"] and 'echo "exit-code=${code}"' in run["run"]
