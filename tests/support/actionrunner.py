"""A simulated GitHub Actions runner for the shipped workflows (test helper, not a product).

It runs the jobs in order, a matrix job once per combination (one after the other, each a
"leg" of its JobResult), and each job's steps in order: `run:` scripts with bash (`-eo
pipefail`, as GitHub does), the local composite action (`uses: ./`, read from the
workspace's action.yml), and the stand-ins of actionstandins.py for checkout,
setup-python and the artifact actions. It keeps GITHUB_OUTPUT/GITHUB_STEP_SUMMARY per
step, and processes `::add-mask::` and `::stop-commands::` in the log as the runner does
(actionlog.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.actionlog import load_yaml, parse_outputs, process_log
from tests.support.actionstandins import expand_matrix, run_standin
from tests.support.ghexpr import as_string, condition, evaluate, interpolate


@dataclass
class StepResult:
    name: str
    outcome: str  # success | failure | skipped
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class JobResult:
    name: str
    result: str  # success | failure | skipped
    outputs: dict[str, str] = field(default_factory=dict)
    steps: list[StepResult] = field(default_factory=list)
    raw_log: str = ""
    log: str = ""  # as GitHub shows it: masked, command lines consumed
    summary: str = ""
    legs: list[JobResult] = field(default_factory=list)  # a matrix job: one per combination
    environment: str | None = None
    concurrency: str | None = None


@dataclass
class Runner:
    workspace: Path
    temp_root: Path
    artifacts: Path
    voicectl_bin: Path
    github: dict[str, Any]  # the `github` context (event, sha, repository, base_ref …)
    secrets: dict[str, str]
    env: dict[str, str]  # runner machine variables (PATH, HOME, GITHUB_API_URL …)
    matrix: dict[str, Any] = field(default_factory=dict)  # the leg being run

    def run_workflow(self, path: Path) -> dict[str, JobResult]:
        doc = load_yaml(path)
        shutil.rmtree(self.artifacts, ignore_errors=True)  # artifacts belong to one run
        results: dict[str, JobResult] = {}
        for name, job in doc["jobs"].items():
            results[name] = self.run_job(doc, name, job, results)
        return results

    # -- jobs --------------------------------------------------------------------------
    def run_job(
        self, doc: dict[str, Any], name: str, job: dict[str, Any], done: dict[str, JobResult]
    ) -> JobResult:
        """The job, or each leg of its matrix: failed if a leg failed, outputs merged."""
        needs = job.get("needs", [])
        needs = [needs] if isinstance(needs, str) else list(needs)
        needs_ctx = {n: {"result": done[n].result, "outputs": done[n].outputs} for n in needs}
        ok = all(done[n].result == "success" for n in needs)
        ctx = self._contexts(needs=needs_ctx, steps={})
        functions = self._functions(lambda: ok)
        if not condition(job.get("if"), ctx, functions):
            return JobResult(name, "skipped")

        def value(item: Any) -> Any:
            text = item.strip() if isinstance(item, str) else None
            if text and text.startswith("${{") and text.endswith("}}"):
                return evaluate(text[3:-2], ctx, functions)
            return item

        if "strategy" not in job:
            return self._run_leg(doc, name, job, needs_ctx, {})
        legs = [
            self._run_leg(doc, name, job, needs_ctx, combo)
            for combo in expand_matrix(job["strategy"], value)
        ]
        results = {leg.result for leg in legs}
        result = "failure" if "failure" in results else "success"
        merged = JobResult(name, result, legs=legs)
        for leg in legs:
            merged.outputs.update(leg.outputs)
            merged.raw_log += leg.raw_log
            merged.log += leg.log
            merged.summary += leg.summary
        return merged

    def _run_leg(
        self,
        doc: dict[str, Any],
        name: str,
        job: dict[str, Any],
        needs_ctx: dict[str, Any],
        matrix: dict[str, Any],
    ) -> JobResult:
        self.matrix = matrix
        leg = "-".join(str(v) for v in matrix.values())
        temp = self.temp_root / (f"{name}-{leg}" if leg else name)
        shutil.rmtree(temp, ignore_errors=True)
        (temp / "voicectl-venv" / "bin").mkdir(parents=True)
        # the action's install step finds voicectl already there and skips pip install
        (temp / "voicectl-venv" / "bin" / "voicectl").symlink_to(self.voicectl_bin)
        ctx = self._contexts(needs=needs_ctx, steps={})
        always = self._functions(lambda: True)
        title = interpolate(str(job.get("name", name)), ctx, always)
        result = JobResult(title, "success")
        if "environment" in job:
            result.environment = interpolate(str(job["environment"]), ctx, always)
        if "concurrency" in job:
            result.concurrency = interpolate(str(job["concurrency"]["group"]), ctx, always)
        steps_ctx: dict[str, Any] = {}
        job_env = {**doc.get("env", {}), **job.get("env", {})}
        for index, step in enumerate(job.get("steps", [])):
            ctx = self._contexts(needs=needs_ctx, steps=steps_ctx)
            functions = self._functions(lambda: result.result == "success")
            step_name = str(step.get("name") or step.get("uses") or f"step {index}")
            if not condition(step.get("if"), ctx, functions):
                outcome = StepResult(step_name, "skipped")
            else:
                env = {
                    k: interpolate(str(v), ctx, functions)
                    for k, v in {**job_env, **step.get("env", {})}.items()
                }
                outcome = self._run_step(step, step_name, env, ctx, temp, result)
            result.steps.append(outcome)
            if "id" in step:
                steps_ctx[step["id"]] = {
                    "outputs": outcome.outputs,
                    "outcome": outcome.outcome,
                    "conclusion": outcome.outcome,
                }
            if outcome.outcome == "failure":
                result.result = "failure"
        ctx = self._contexts(needs=needs_ctx, steps=steps_ctx)
        functions = self._functions(lambda: True)
        result.outputs = {
            k: interpolate(str(v), ctx, functions) for k, v in job.get("outputs", {}).items()
        }
        result.log = process_log(result.raw_log)
        return result

    def _run_step(
        self,
        step: dict[str, Any],
        name: str,
        env: dict[str, str],
        ctx: dict[str, Any],
        temp: Path,
        job: JobResult,
    ) -> StepResult:
        uses = step.get("uses")
        functions = self._functions(lambda: job.result == "success")
        with_ = {
            k: interpolate(as_string(v), ctx, functions) for k, v in step.get("with", {}).items()
        }
        if uses is None:
            code, outputs = self._bash(step["run"], env, temp, job, step.get("working-directory"))
            return StepResult(name, "success" if code == 0 else "failure", outputs)
        if uses == "./":
            return self._composite(name, with_, env, temp, job)
        ok = run_standin(uses, with_, self.workspace, self.artifacts)
        return StepResult(name, "success" if ok else "failure")

    def _composite(
        self, name: str, with_: dict[str, str], env: dict[str, str], temp: Path, job: JobResult
    ) -> StepResult:
        action = load_yaml(self.workspace / "action.yml")
        inputs = {k: as_string(v.get("default", "")) for k, v in action["inputs"].items()}
        inputs.update(with_)
        steps_ctx: dict[str, Any] = {}
        failed = False
        for step in action["runs"]["steps"]:
            ctx = {**self._contexts(needs={}, steps=steps_ctx), "inputs": inputs}
            functions = self._functions(lambda failed=failed: not failed)
            if not condition(step.get("if"), ctx, functions):
                steps_ctx[step.get("id", "_")] = {"outputs": {}, "outcome": "skipped"}
                continue
            step_env = {
                **env,
                **{k: interpolate(str(v), ctx, functions) for k, v in step.get("env", {}).items()},
            }
            step_env["GITHUB_ACTION_PATH"] = str(self.workspace)
            workdir = interpolate(str(step.get("working-directory", ".")), ctx, functions)
            code, outputs = self._bash(step["run"], step_env, temp, job, workdir)
            steps_ctx[step.get("id", "_")] = {
                "outputs": outputs,
                "outcome": "success" if code == 0 else "failure",
            }
            failed = failed or code != 0
            if failed:
                break
        ctx = {**self._contexts(needs={}, steps=steps_ctx), "inputs": inputs}
        functions = self._functions(lambda: True)
        outputs = {
            k: interpolate(str(v["value"]), ctx, functions)
            for k, v in action.get("outputs", {}).items()
        }
        return StepResult(name, "failure" if failed else "success", outputs)

    def _bash(
        self, script: str, env: dict[str, str], temp: Path, job: JobResult, workdir: str | None
    ) -> tuple[int, dict[str, str]]:
        output = temp / "github_output"
        summary = temp / "step_summary"
        output.write_text("")
        summary.write_text("")
        script_path = temp / "step.sh"
        script_path.write_text(script)
        full_env = {
            **self.env,
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_REPOSITORY": self.github["repository"],
            "GITHUB_EVENT_NAME": self.github["event_name"],
            "GITHUB_EVENT_PATH": str(self._event_file(temp)),
            "GITHUB_SHA": self.github["sha"],
            "GITHUB_REF": self.github.get("ref", ""),
            "GITHUB_BASE_REF": self.github.get("base_ref", ""),
            "GITHUB_RUN_ID": str(self.github.get("run_id", "1")),
            "GITHUB_SERVER_URL": "https://github.com",
            "RUNNER_TEMP": str(temp),
            "RUNNER_OS": "Linux",
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
            **env,
        }
        cwd = self.workspace / (workdir or ".")
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_path)],
            cwd=cwd,
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=300,
            check=False,
        )
        job.raw_log += done.stdout
        job.summary += summary.read_text(encoding="utf-8")
        return done.returncode, parse_outputs(output.read_text(encoding="utf-8"))

    def _event_file(self, temp: Path) -> Path:
        path = temp / "event.json"
        path.write_text(json.dumps(self.github["event"]))
        return path

    def _contexts(self, *, needs: dict[str, Any], steps: dict[str, Any]) -> dict[str, Any]:
        return {
            "github": {**self.github, "workspace": str(self.workspace)},
            "secrets": self.secrets,
            "needs": needs,
            "steps": steps,
            "env": {},
            "runner": {"os": "Linux", "temp": str(self.temp_root)},
            "matrix": dict(self.matrix),
        }

    def _functions(self, ok: Any) -> dict[str, Any]:
        return {
            "always": lambda: True,
            "cancelled": lambda: False,
            "success": ok,
            "failure": lambda: not ok(),
            "hashfiles": self._hash_files,
            "fromjson": json.loads,
        }

    def _hash_files(self, *patterns: str) -> str:
        digest = hashlib.sha256()
        found = False
        for pattern in patterns:
            for path in sorted(self.workspace.glob(pattern)):
                if path.is_file():
                    found = True
                    digest.update(path.read_bytes())
        return digest.hexdigest() if found else ""


MACHINE_ENV = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
