"""Workflow-command escaping, outputs and the job summary (render/gha.py)."""

from __future__ import annotations

import pytest

from reconciler.redact import register_secret
from reconciler.render.gha import (
    SUMMARY_CUT_NOTE,
    append_step_summary,
    escape_data,
    escape_property,
    format_add_mask,
    format_annotation,
    format_command,
    format_group,
    format_output,
    mask_lines,
    wrap_stop_commands,
    write_outputs,
)
from tests.support.actionlog import parse_outputs


def test_data_escapes_percent_and_newlines():
    assert escape_data("50% done\r\n::error::x") == "50%25 done%0D%0A::error::x"


def test_properties_also_escape_colon_and_comma():
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_annotation_carries_location_and_cannot_forge_a_second_command():
    line = format_annotation(
        "error", "bad alias\n::warning::owned", file="voices/a,b:c.yaml", line=7, col=11
    )
    assert line == "::error file=voices/a%2Cb%3Ac.yaml,line=7,col=11::bad alias%0A::warning::owned"
    assert line.count("\n") == 0


def test_annotation_without_location_omits_the_properties():
    assert format_annotation("warning", "drift") == "::warning::drift"
    assert format_annotation("notice", "x", file="v.yaml", line=0) == "::notice file=v.yaml::x"


def test_unknown_command_or_severity_is_refused():
    with pytest.raises(ValueError, match="unknown workflow command 'set-env'"):
        format_command("set-env", "x")
    with pytest.raises(ValueError, match="unknown annotation severity 'fatal'"):
        format_annotation("fatal", "x")


def test_messages_are_scrubbed_of_registered_secrets():
    register_secret("sk-CANARY-gha-0001")
    assert (
        format_annotation("error", "key sk-CANARY-gha-0001 refused") == "::error::key *** refused"
    )


def test_add_mask_only_inside_github_actions():
    assert mask_lines({}, ["sk-secret-1"]) == []
    assert mask_lines({"GITHUB_ACTIONS": "false"}, ["sk-secret-1"]) == []
    assert mask_lines({"GITHUB_ACTIONS": "true"}, ["sk-secret-1", None, ""]) == [
        "::add-mask::sk-secret-1"
    ]
    assert format_add_mask("a%b\nc") == "::add-mask::a%25b%0Ac"


def test_group_title_is_escaped():
    # control characters are dropped: the title stays on the ::group:: line
    assert format_group("anna\n::endgroup::") == "::group::anna::endgroup::"
    assert format_group("50%") == "::group::50%25"


def test_stop_commands_wraps_untrusted_text_with_a_fresh_token():
    first = wrap_stop_commands("::error::pwned")
    second = wrap_stop_commands("::error::pwned")
    token = first.splitlines()[0].removeprefix("::stop-commands::")
    assert len(token) == 32
    assert first == f"::stop-commands::{token}\n::error::pwned\n::{token}::"
    assert first != second


def test_output_uses_a_heredoc_delimiter_absent_from_the_value():
    entry = format_output("summary", "line one\nEOF\nline three")
    head, *body, tail, end = entry.split("\n")
    assert head.startswith("summary<<ghadelimiter_")
    assert tail == head.split("<<")[1]
    assert body == ["line one", "EOF", "line three"]
    assert end == ""
    with pytest.raises(ValueError, match="invalid output name 'has changes'"):
        format_output("has changes", "x")


def test_write_outputs_appends_and_skips_without_the_variable(tmp_path):
    out = tmp_path / "output"
    out.write_text("earlier=1\n")
    assert write_outputs({}, {"x": "1"}) is False
    env = {"GITHUB_OUTPUT": str(out)}
    assert write_outputs(env, {"has_changes": True, "credits": 600, "checksum": "sha256:ab"})
    assert parse_outputs(out.read_text()) == {
        "earlier": "1",
        "has_changes": "true",
        "credits": "600",
        "checksum": "sha256:ab",
    }


def test_summary_appends_under_the_limit_and_cuts_on_a_line_with_a_note(tmp_path):
    summary = tmp_path / "summary.md"
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    assert append_step_summary({}, "x") == 0
    written = append_step_summary(env, "# Plan\n", limit=1000)
    assert written == len("# Plan\n")
    big = "".join(f"| row {i} | é |\n" for i in range(500))
    append_step_summary(env, big, limit=1000)
    text = summary.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 1000
    assert text.startswith("# Plan\n| row 0 | é |\n")
    assert text.endswith(SUMMARY_CUT_NOTE)
    body = text.removesuffix(SUMMARY_CUT_NOTE)
    assert body.endswith(" |\n")
    append_step_summary(env, "more " * 100, limit=1000)
    assert summary.stat().st_size <= 1000


def test_one_mebibyte_is_the_default_summary_cap(tmp_path):
    summary = tmp_path / "summary.md"
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    for _ in range(3):
        append_step_summary(env, "| a | b |\n" * 50_000)
    assert summary.stat().st_size <= 1024 * 1024


def test_summary_of_a_huge_plan_stays_under_one_mebibyte(tmp_path):
    from reconciler.render.markdown import render_markdown
    from tests.support.planvalues import make_plan, plan_dict

    summary = tmp_path / "summary.md"
    markdown = render_markdown(plan_dict(make_plan(15_000)))
    assert len(markdown.encode()) > 1024 * 1024  # the uncut plan would be refused
    append_step_summary({"GITHUB_STEP_SUMMARY": str(summary)}, markdown)
    text = summary.read_text(encoding="utf-8")
    assert len(text.encode()) <= 1024 * 1024
    assert text.startswith("**Plan: 15000 to create")
    assert text.endswith(SUMMARY_CUT_NOTE)
