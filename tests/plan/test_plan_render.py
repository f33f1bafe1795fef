"""Renderers: summary wording, detail levels, escaping of user text, Markdown size budget."""

from __future__ import annotations

import json
from dataclasses import replace
from io import StringIO

from rich.console import Console

from reconciler.plan.value import Action, Plan
from reconciler.render.jsonout import dump_json, render_json
from reconciler.render.markdown import ZWJ, code_span, escape_text, render_markdown
from reconciler.render.text import STYLES, SYMBOLS, render_plan
from reconciler.render.wording import action_sentence, duration, summary_line
from tests.support.planbuild import (
    by_id,
    clone,
    declaration,
    file_ids,
    local,
    plan_of,
    pr_plan_of,
    state,
)
from tests.support.planschema import assert_valid_plan_json

EVIL = "[bold red]x[/] \x1b[31mred\u202e | <b>hi</b> `code` @team\n::error::boom & more"


def text_of(plan: Plan | dict, detail: str = "changes") -> str:  # type: ignore[type-arg]
    buffer = StringIO()
    render_plan(plan, Console(file=buffer, width=100, color_system=None), detail)
    return buffer.getvalue()


def summary(plan: Plan) -> str:
    return summary_line(plan.to_dict(created_at=""))


def test_summary_line_counts_writes_and_the_balance_after() -> None:
    drifted = declaration("drifted", metadata={"a": 1})
    running = declaration("running")
    same = [declaration(f"same-{n:02}") for n in range(14)]
    remote = state(
        clone(drifted, metadata={"a": 2}),
        clone(running, status="preparing"),
        *(clone(d) for d in same),
        uploaded=[drifted, running, *same],
    )
    plan = plan_of([declaration("new-a"), declaration("new-b"), drifted, running, *same], remote)
    assert summary(plan) == (
        "Plan: 2 to create (600 credits), 1 drifted, 1 pending, 14 unchanged. "
        "Balance after: 9,100 credits."  # the running clone holds 300 of them
    )


def test_summary_line_without_writes_says_no_changes() -> None:
    a, b = declaration("a"), declaration("b")
    assert summary(plan_of([a, b], state(clone(a), clone(b), uploaded=[a, b]))) == (
        "No changes. 2 voices up to date."
    )
    drifted, other = declaration("d", metadata={"x": 1}), declaration("o")
    remote = state(clone(a), clone(drifted, metadata={"x": 2}), clone(other, managed_by=None))
    plan = plan_of([a, drifted], replace_uploads(remote, [a, drifted]))
    assert summary(plan) == "No changes. 1 voice up to date; 1 drifted, 1 unmanaged."


def replace_uploads(remote, decls):  # type: ignore[no-untyped-def]
    return state(*(r for records in remote.clones.values() for r in records), uploaded=decls)


def test_summary_line_with_unknown_balance_and_a_budget_block() -> None:
    assert summary(plan_of([declaration("a")], state(credits=None))) == (
        "Plan: 1 to create (300 credits), 0 unchanged. Balance unknown."
    )
    blocked = plan_of([declaration(f"v{n}") for n in range(5)], state(), max_credits=1000)
    assert summary(blocked) == (
        "Plan blocked: 5 blocked (1,500 credits), 0 unchanged. "
        "Blocked: cost 1,500 credits exceeds max credits 1,000. Nothing will be written."
    )


def test_text_plan_puts_the_summary_line_last_and_hides_unchanged_voices() -> None:
    a = declaration("kept")
    plan = plan_of([declaration("anna"), a], state(clone(a), uploaded=[a]))
    lines = text_of(plan).splitlines()
    assert lines == [
        "  + create    anna  voice_engine_3, 2 files, 8.0 s, 300 credits",
        "Plan: 1 to create (300 credits), 1 unchanged. Balance after: 9,700 credits.",
    ]
    assert "kept" in text_of(plan, "full")
    assert text_of(plan, "summary").splitlines() == lines[-1:]


def test_text_plan_shows_empty_sections_and_notes() -> None:
    a = declaration("a")
    plan = pr_plan_of([a], [a], state(clone(a), uploaded=[a], complete=False))
    assert text_of(plan).splitlines() == [
        "Changes from this pull request (0)",
        "    none",
        "Pre-existing drift (0)",
        "    none",
        "note: remote listing incomplete: orphaned and unmanaged voices unknown",
        "No changes. 1 voice up to date.",
    ]


def evil_plan() -> Plan:
    anna = declaration("anna", metadata={"note": "plain"})
    remote = clone(anna, metadata={"note": EVIL, "languageCode": "en-GB"})
    return plan_of([anna, declaration("bad[/]alias\n::warning::x")], state(remote, uploaded=[anna]))


def test_create_line_says_when_durations_are_only_known_remotely() -> None:
    remote_only = declaration("remote-only", files=[by_id("6f1d2c1e-8a4b-4f7e-9a51-2a3e0c9d7b10")])
    mixed = declaration(
        "mixed",
        files=[local("voices/audio/mixed/a.wav"), by_id("7f1d2c1e-8a4b-4f7e-9a51-2a3e0c9d7b10")],
    )
    lines = text_of(plan_of([remote_only, mixed], state())).splitlines()
    assert "voice_engine_3, 1 file, duration known remotely, 300 credits" in lines[1]
    assert "voice_engine_3, 2 files, 4.0 s + 1 remote, 300 credits" in lines[0]


def test_text_plan_shows_markup_literally_and_drops_control_characters() -> None:
    out = text_of(evil_plan())
    assert "[bold red]x[/]" in out and "bad[/]alias ::warning::x" in out
    assert "\x1b" not in out and "\u202e" not in out
    assert all(not line.lstrip().startswith("::") for line in out.splitlines())
    # values are shown JSON-quoted: an escape or line break is visible, and inert
    assert 'remote "[bold red]x[/] \\u001b[31mred | <b>hi</b> `code` @team\\n::error::boom' in out


def test_markdown_escapes_cells_backticks_html_newlines_and_mentions() -> None:
    assert escape_text(EVIL) == (
        "\\[bold red\\]x\\[/\\] \\[31mred \\| &lt;b&gt;hi&lt;/b&gt; &#96;code&#96; "
        f"@{ZWJ}team ::error::boom &amp; more"
    )
    assert escape_text("see #12 and a/b#3") == f"see #{ZWJ}12 and a/b#{ZWJ}3"
    out = render_markdown(evil_plan())
    assert "<b>" not in out and "@team" not in out and "\x1b" not in out
    assert "| bad\\[/\\]alias ::warning::x |" in out
    rows = [line for line in out.splitlines() if line.startswith("| `")]
    assert all(line.count(" | ") == 3 for line in rows), rows  # no cell was split


def test_code_span_uses_a_fence_longer_than_any_backtick_run() -> None:
    assert code_span("abc") == "`abc`"
    assert code_span("a``b") == "```a``b```"
    assert code_span("`x") == "`` `x ``"


def test_markdown_keeps_the_summary_first_and_carries_checksum_and_head() -> None:
    plan = plan_of([declaration("anna")], state())
    out = render_markdown(plan, marker="<!-- m -->", head_sha="abc1234")
    lines = out.splitlines()
    assert lines[0] == "<!-- m -->"
    assert lines[1] == f"**{escape_text(summary(plan))}**"
    # short SHAs in the text (the full ones live in the comment's review record)
    assert f"head `abc1234` · checksum `{plan.checksum()[:19]}…`" in out
    assert render_markdown(plan, head_sha="4be1c0d2f9a8e7b6c5d4").count("head `4be1c0d`") == 1
    assert render_markdown(plan, detail="summary").count("<details") == 0


def test_markdown_cuts_a_huge_plan_to_its_budget_and_counts_the_rest() -> None:
    plan = plan_of([declaration(f"voice-{n:04}") for n in range(2000)], state(credits=None))
    out = render_markdown(plan, max_chars=60_000)
    assert len(out) <= 60_000
    assert out.startswith(f"**{escape_text(summary(plan))}**")
    shown = sum(1 for line in out.splitlines() if line.startswith("| `"))
    assert out.endswith(f"</details>\n\n… {2000 - shown:,} more actions — see the job summary\n")
    assert len(render_markdown(plan, max_chars=1_000_000)) > 60_000


def test_markdown_with_no_room_keeps_the_header_and_counts_everything() -> None:
    plan = plan_of([declaration("a")], state())
    out = render_markdown(plan, max_chars=10)
    assert "<details" not in out
    assert out.endswith("\n\n… 1 more action — see the job summary\n")


def test_markdown_cut_skips_later_sections_entirely() -> None:
    old = declaration("old", metadata={"x": 1})
    remote = state(clone(old, metadata={"x": 2}), uploaded=[old])
    head = [old, *(declaration(f"new-{n:03}") for n in range(300))]
    plan = pr_plan_of(head, [old], remote)
    out = render_markdown(plan, max_chars=8_000)
    assert "Pre-existing drift" not in out
    assert len(out) <= 8_000 and "more actions — see the job summary" in out


def test_renderers_give_the_same_output_from_a_saved_plan_dict() -> None:
    plan = evil_plan()
    data = json.loads(render_json(plan, created_at="2026-11-25T10:00:00Z"))
    assert_valid_plan_json(data)
    assert text_of(data) == text_of(plan)
    assert render_markdown(data) == render_markdown(plan)
    assert render_json(data, created_at="ignored") == render_json(
        plan, created_at="2026-11-25T10:00:00Z"
    )


def test_json_output_is_sorted_ascii_and_compact_on_request() -> None:
    out = render_json(evil_plan(), created_at="", indent=None)
    assert out.isascii() and out.endswith("}\n") and "\n" not in out[:-1]
    assert out == dump_json(json.loads(out), indent=None)
    assert list(json.loads(out)) == sorted(json.loads(out))


def test_every_action_has_a_symbol_style_and_description() -> None:
    assert set(SYMBOLS) == set(STYLES) == {a.value for a in Action}
    base = {"reasons": [], "engine": "e", "credits": 0, "files": [], "remote": None}
    assert action_sentence({**base, "action": "noop"}) == "up to date"
    assert action_sentence({**base, "action": "orphan"}) == "orphan"
    assert (
        action_sentence({**base, "action": "blocked", "intended": None}) == "would blocked: blocked"
    )
    assert (duration(119.94), duration(120), duration(4500)) == ("119.9 s", "2.0 min", "75.0 min")


def test_text_plan_describes_file_and_missing_metadata_drift() -> None:
    anna = declaration("anna", metadata={"age": 30})
    more = replace(anna, files=(*anna.files, local("voices/new.wav")))
    remote = clone(anna, metadata={"languageCode": "en-GB"}, files_used=[*file_ids(anna), "f-x"])
    out = text_of(plan_of([more], state(remote, uploaded=[anna])))
    assert "files: only declared: voices/new.wav; only remote: f-x" in out
    assert "metadata.age: declared 30, remote (absent)" in out
    less = clone(anna, files_used=file_ids(anna)[:1])
    out = text_of(plan_of([anna], state(less, uploaded=[anna])))
    assert "files: only declared: voices/audio/anna/take-2.wav; only remote: (none)" in out


class _Writes(StringIO):
    """A stream that counts its writes."""

    writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def test_the_rendered_plan_is_one_write_and_the_same_text_as_its_lines() -> None:
    """issue 15 item 4: rich renders each print on its own; 500 voices are one write."""
    from reconciler.render.text import plan_lines

    voices = [declaration(f"voice-{n:03}") for n in range(500)]
    plan = plan_of(voices, state())
    stream = _Writes()
    render_plan(plan, Console(file=stream, width=100, force_terminal=True), "changes")
    assert stream.writes == 1
    lines = plan_lines(plan, "changes")
    assert len(lines) > 500
    plain = StringIO()
    render_plan(plan, Console(file=plain, width=100, color_system=None), "changes")
    assert plain.getvalue() == "".join(f"{line.plain}\n" for line in lines)
