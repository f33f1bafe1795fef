"""The composite action with `targets`: one voicectl run per target, combined outputs.

voicectl is a stub: `targets` prints STUB_TARGETS; any other command prints
`::add-mask::$STUB_MASK` when set, its argv and a line on stderr, writes the outputs given
by STUB_<target> ("code has_changes credits exit_reason") to $GITHUB_OUTPUT in the heredoc
form voicectl uses, and exits with that code.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.actionrunner import StepResult
from tests.support.actionstep import run_action_step

ROOT = Path(__file__).resolve().parents[2]
STUB = r"""#!/bin/sh
if [ "$1" = targets ]; then
  printf '%s\n' $STUB_TARGETS
  exit "${STUB_TARGETS_CODE:-0}"
fi
if [ -n "$STUB_MASK" ]; then echo "::add-mask::$STUB_MASK"; fi
printf "argv:"; for a in "$@"; do printf " [%s]" "$a"; done; echo
echo "to stderr" >&2
target=default; previous=""
for a in "$@"; do
  if [ "$previous" = --target ]; then target="$a"; fi
  case "$a" in plan-*.json) target="${a#plan-}"; target="${target%.json}" ;; esac
  previous="$a"
done
eval "spec=\${STUB_$target:-0 false 0 no_changes}"
set -- $spec
d=ghadelimiter_0123
for pair in "has_changes $2" "credits $3" "checksum sha256:$target" "exit_reason $4"; do
  set -- $pair
  printf '%s<<%s\n%s\n%s\n' "$1" "$d" "$2" "$d" >> "$GITHUB_OUTPUT"
done
set -- $spec
exit "$1"
"""


def _run(
    tmp_path: Path, with_: dict[str, str], env: dict[str, str], files: tuple[str, ...] = ()
) -> tuple[StepResult, str]:
    ws = tmp_path / "ws"
    ws.mkdir(parents=True, exist_ok=True)
    for name in files:
        (ws / name).write_text("{}")
    return run_action_step(tmp_path, STUB, with_, env)


TWO = {"STUB_TARGETS": "prod staging"}


def test_plan_runs_once_per_target_with_its_own_plan_file(tmp_path):
    env = {**TWO, "STUB_prod": "0 false 0 no_changes", "STUB_staging": "2 true 300 changes"}
    step, log = _run(tmp_path, {"command": "plan", "targets": "all", "base": "origin/main"}, env)
    assert "argv: [plan] [--out] [plan-prod.json] [--detailed-exitcode] [--base] " in log
    assert "[origin/main] [--target] [prod]\n" in log
    assert "argv: [plan] [--out] [plan-staging.json] [--detailed-exitcode] [--base] " in log
    assert step.outcome == "success"
    assert {k: v for k, v in step.outputs.items() if v} == {
        "exit-code": "2",
        "exit-codes": "prod=0 staging=2",
        "targets": "prod staging",
        "plan-files": "plan-prod.json plan-staging.json",
        "has-changes": "true",
        "credits": "300",
        "checksum": "prod=sha256:prod staging=sha256:staging",
        "exit-reason": "changes",
        "changed-targets": '[{"target":"staging","environment":"production"}]',
    }


def test_the_worst_exit_code_wins_and_fails_the_step(tmp_path):
    for codes, worst in [(("4", "1"), "4"), (("2", "1"), "1"), (("2", "0"), "2")]:
        env = {
            **TWO,
            "STUB_prod": f"{codes[0]} true 300 {'blocked' if codes[0] == '4' else 'changes'}",
            "STUB_staging": f"{codes[1]} false 0 no_changes",
        }
        step, _ = _run(tmp_path, {"command": "plan", "targets": "all"}, env)
        assert step.outputs["exit-code"] == worst
        assert step.outcome == ("success" if worst in ("0", "2") else "failure")
    assert step.outputs["exit-reason"] == "changes"


def test_blocked_is_the_exit_reason_when_any_target_is_blocked(tmp_path):
    env = {**TWO, "STUB_prod": "4 true 1200 blocked", "STUB_staging": "2 true 300 changes"}
    step, _ = _run(tmp_path, {"command": "plan", "targets": "all"}, env)
    assert (step.outputs["exit-reason"], step.outputs["credits"]) == ("blocked", "1500")


def test_a_repository_without_targets_keeps_plan_json_and_the_key_check(tmp_path):
    env = {"STUB_TARGETS": "default", "AUDIOSTACK_API_KEY": "sk-x-1"}
    step, log = _run(tmp_path, {"command": "plan", "targets": "all"}, env)
    assert "argv: [plan] [--out] [plan.json] [--detailed-exitcode]\n" in log
    assert step.outputs["checksum"] == "sha256:default"
    assert step.outputs["plan-files"] == "plan.json"
    step, log = _run(tmp_path, {"command": "plan", "targets": "all"}, {"STUB_TARGETS": "default"})
    assert (step.outcome, step.outputs["exit-code"]) == ("failure", "1")
    assert "::error title=voicectl::AUDIOSTACK_API_KEY is empty" in log
    assert "argv:" not in log


def test_declared_targets_leave_the_key_check_to_voicectl(tmp_path):
    step, log = _run(tmp_path, {"command": "drift", "targets": "all"}, TWO)
    assert step.outcome == "success"
    assert "argv: [drift] [--target] [prod]\n" in log
    assert "argv: [drift] [--target] [staging]\n" in log


def test_apply_takes_each_plan_file_and_stops_at_the_first_failure(tmp_path):
    env = {**TWO, "STUB_TARGETS": "staging prod", "STUB_staging": "5 false 0 no_changes"}
    step, log = _run(tmp_path, {"command": "apply", "targets": "all", "max-credits": "9"}, env)
    assert "argv: [apply] [--max-credits] [9] [plan-staging.json]\n" in log
    assert "[plan-prod.json]" not in log
    assert "::error title=voicectl apply::target staging failed (exit 5)" in log
    assert (step.outcome, step.outputs["exit-code"]) == ("failure", "5")
    assert step.outputs["exit-codes"] == "staging=5"


def test_an_explicit_target_list_runs_in_its_order(tmp_path):
    step, log = _run(tmp_path, {"command": "apply", "targets": "staging prod"}, {})
    assert log.index("[plan-staging.json]") < log.index("[plan-prod.json]")
    assert step.outputs["targets"] == "staging prod"
    step, log = _run(tmp_path, {"command": "plan", "targets": "prod ../x"}, {})
    assert (step.outcome, step.outputs["exit-code"]) == ("failure", "1")
    assert "::error title=voicectl action::invalid target name in targets" in log
    assert "argv:" not in log


def test_comment_covers_every_target_plan_file(tmp_path):
    files = ("plan-prod.json", "plan-staging.json")
    step, log = _run(tmp_path, {"command": "comment", "targets": "all"}, TWO, files)
    assert "argv: [comment] [plan-prod.json] [plan-staging.json]\n" in log
    assert step.outcome == "success"
    step, log = _run(
        tmp_path / "b", {"command": "comment", "targets": "all"}, TWO, ("plan-prod.json",)
    )
    assert (step.outcome, step.outputs["exit-code"]) == ("failure", "1")
    assert (
        "::error title=voicectl action::no plan file plan-staging.json for target staging: "
        "did its plan fail? (set log-file to comment on the failure)"
    ) in log


def test_comment_shows_a_target_without_a_plan_file_as_failed_from_its_log(tmp_path):
    with_ = {"command": "comment", "targets": "all", "log-file": "plan.log"}
    step, log = _run(tmp_path, with_, TWO, ("plan-prod.json", "plan-staging.log"))
    assert (
        "argv: [comment] [plan-prod.json] [--failed] [plan] [--log] [staging=plan-staging.log]\n"
        in log
    )
    assert step.outcome == "success"
    assert (tmp_path / "ws" / "plan-staging.log").read_text() == "{}"  # read, not overwritten


def test_comment_on_a_failed_validate_passes_its_log_and_no_plan(tmp_path):
    with_ = {"command": "comment", "failed": "validate", "log-file": "validate.log"}
    step, log = _run(tmp_path, with_, {}, ("plan.json",))
    assert "argv: [comment] [--failed] [validate] [--log] [validate.log]\n" in log
    assert step.outcome == "success"


def test_log_file_keeps_each_target_output_without_mask_lines(tmp_path):
    env = {**TWO, "STUB_MASK": "sk-secret-1", "STUB_staging": "1 false 0 no_changes"}
    with_ = {"command": "plan", "targets": "all", "log-file": "plan.log"}
    step, log = _run(tmp_path, with_, env)
    assert step.outputs["exit-codes"] == "prod=0 staging=1"  # the exit code, not tee's
    assert "::add-mask::sk-secret-1" in log  # the runner still sees it
    ws = tmp_path / "ws"
    assert (ws / "plan-staging.log").read_text() == (
        "argv: [plan] [--out] [plan-staging.json] [--detailed-exitcode] [--target] [staging]\n"
        "to stderr\n"
    )
    assert "sk-secret-1" not in (ws / "plan-prod.log").read_text()
    step, log = _run(tmp_path, {"command": "validate", "log-file": "v.log"}, env)
    assert (ws / "v.log").read_text() == "argv: [validate]\nto stderr\n"


def test_apply_writes_a_report_per_target_and_comment_posts_those_that_exist(tmp_path):
    with_ = {"command": "apply", "targets": "prod staging", "report-file": "report.json"}
    step, log = _run(tmp_path, with_, {})
    assert "argv: [apply] [--report] [report-prod.json] [plan-prod.json]\n" in log
    assert "argv: [apply] [--report] [report-staging.json] [plan-staging.json]\n" in log
    with_ = {"command": "comment", "targets": "all", "report-file": "report.json"}
    step, log = _run(tmp_path / "b", with_, TWO, ("report-staging.json",))
    assert "argv: [comment] [--applied] [report-staging.json]\n" in log
    step, log = _run(tmp_path / "c", with_, TWO)
    assert (step.outcome, step.outputs["exit-code"]) == ("success", "0")
    assert "::notice title=voicectl comment::no apply report to post" in log
    assert "argv:" not in log


def test_targets_command_runs_voicectl_targets(tmp_path):
    step, log = _run(tmp_path, {"command": "targets", "ok-exit-codes": "0"}, TWO)
    assert (step.outcome, log) == ("success", "prod\nstaging\n")


def test_validate_runs_once_whatever_the_targets(tmp_path):
    env = {"STUB_TARGETS_CODE": "1"}  # validate reports a broken voicectl.yaml itself
    step, log = _run(tmp_path, {"command": "validate", "targets": "all"}, env)
    assert log.count("argv:") == 1 and "argv: [validate]\n" in log
    assert step.outcome == "success"


def test_an_invalid_voicectl_yaml_fails_the_target_listing(tmp_path):
    env = {"STUB_TARGETS": "", "STUB_TARGETS_CODE": "1"}
    step, log = _run(tmp_path, {"command": "plan", "targets": "all"}, env)
    assert (step.outcome, step.outputs["exit-code"]) == ("failure", "1")
    assert "::error title=voicectl action::voicectl targets failed: is voicectl.yaml valid?" in log
