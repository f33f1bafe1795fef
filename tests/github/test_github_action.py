"""The composite action's shell: arguments built from inputs, exit codes captured, key guard.

voicectl is replaced by a stub that prints its argv and exits with STUB_CODE, so only
action.yml is under test here (the real CLI runs in test_github_e2e.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.actionstep import run_action_step
from tests.support.ghexpr import condition, interpolate

ROOT = Path(__file__).resolve().parents[2]
STUB = (
    "#!/bin/sh\n"
    'printf "argv:"; for a in "$@"; do printf " [%s]" "$a"; done; echo\n'
    'exit "$STUB_CODE"\n'
)


def _run(tmp_path: Path, with_: dict[str, str], code: int, *, key: str | None = "sk-x-1"):
    env = {"STUB_CODE": str(code)}
    if key is not None:
        env["AUDIOSTACK_API_KEY"] = key
    return run_action_step(tmp_path, STUB, with_, env)


@pytest.mark.parametrize(("code", "outcome"), [(0, "success"), (2, "success"), (4, "failure")])
def test_exit_code_is_an_output_and_2_is_not_a_failure(tmp_path, code, outcome):
    step, _ = _run(tmp_path, {"command": "drift"}, code)
    assert (step.outcome, step.outputs["exit-code"]) == (outcome, str(code))


def test_ok_exit_codes_can_make_2_a_failure(tmp_path):
    step, _ = _run(tmp_path, {"command": "drift", "ok-exit-codes": "0"}, 2)
    assert (step.outcome, step.outputs["exit-code"]) == ("failure", "2")


def test_plan_arguments_come_from_inputs_without_shell_expansion(tmp_path):
    step, log = _run(
        tmp_path,
        {
            "command": "plan",
            "base": "origin/main",
            "max-credits": "900",
            "args": "--only anna-* $(touch pwned) --detail full",
        },
        2,
    )
    assert step.outcome == "success"
    assert (
        "argv: [plan] [--out] [plan.json] [--detailed-exitcode] [--base] [origin/main] "
        "[--max-credits] [900] [--only] [anna-*] [$(touch] [pwned)] [--detail] [full]"
    ) in log
    assert not (tmp_path / "ws" / "pwned").exists()


def test_apply_and_comment_take_the_plan_files(tmp_path):
    _, log = _run(tmp_path, {"command": "apply", "plan-file": "plan.json"}, 0)
    assert "argv: [apply] [plan.json]" in log
    _, log = _run(tmp_path, {"command": "comment", "plan-file": "a.json b.json"}, 0)
    assert "argv: [comment] [a.json] [b.json]" in log


def test_missing_api_key_fails_instead_of_planning_against_the_emulator(tmp_path):
    step, log = _run(tmp_path, {"command": "plan"}, 0, key="")
    assert (step.outcome, step.outputs["exit-code"]) == ("failure", "1")
    assert "::error title=voicectl::AUDIOSTACK_API_KEY is empty" in log
    assert "argv:" not in log
    step, log = _run(tmp_path, {"command": "plan", "api": "emulator"}, 0, key=None)
    assert step.outcome == "success"
    assert "[--api] [emulator]" in log


def test_validate_needs_no_key(tmp_path):
    step, log = _run(tmp_path, {"command": "validate"}, 0, key=None)
    assert step.outcome == "success"
    assert "argv: [validate]" in log


def test_unknown_command_is_refused(tmp_path):
    step, log = _run(tmp_path, {"command": "rm"}, 0)
    assert step.outcome == "failure"
    assert "::error title=voicectl action::unknown command" in log


def test_expression_helper_follows_github_semantics():
    ctx = {"steps": {"plan": {"outputs": {"has-changes": "true"}}}, "inputs": {"x": ""}}
    funcs = {"success": lambda: True, "failure": lambda: False, "always": lambda: True}
    assert condition("steps.plan.outputs.has-changes == 'TRUE'", ctx, funcs)
    assert not condition("${{ steps.missing.outputs.x == 'true' }}", ctx, funcs)
    assert interpolate("${{ inputs.x || 'voicectl' }}", ctx, funcs) == "voicectl"
    assert condition("failure() || always()", ctx, funcs)
