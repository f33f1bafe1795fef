"""The comment body: marker, review records, size budget, one section per target, escaping."""

from __future__ import annotations

from reconciler.github.body import (
    MAX_COMMENT_CHARS,
    ReviewedTarget,
    compose_comment,
    parse_review_records,
    review_problems,
    safe_target,
    share_budget,
)
from reconciler.render.markdown import render_markdown
from tests.support.planvalues import HEAD, make_plan, plan_dict

PR_HEAD = "9" * 40


def _render(plan, max_chars):
    return render_markdown(plan, max_chars=max_chars, head_sha=PR_HEAD)


def test_body_starts_with_the_marker_and_records_checksum_and_head():
    data = plan_dict(make_plan(2))
    body = compose_comment([data], render=_render, head_sha=PR_HEAD)
    assert body.marker == "<!-- voicectl:plan -->"
    assert body.text.startswith(body.marker + "\n")
    assert parse_review_records(body.text) == {
        "default": ReviewedTarget("default", data["checksum"], PR_HEAD)
    }
    assert "**Plan: 2 to create (600 credits)" in body.text
    assert (
        data["checksum"] in body.text.split("-->", 2)[2]
    )  # visible too (Checksums), not only hidden


def test_no_changes_body_keeps_the_marker():
    body = compose_comment([plan_dict(make_plan(0, noop=12))], render=_render)
    assert body.text.startswith("<!-- voicectl:plan -->\n")
    assert "No changes. 12 voices up to date." in body.text


def test_five_thousand_voices_fit_with_the_summary_and_a_count_of_the_rest():
    data = plan_dict(make_plan(5000))
    body = compose_comment([data], render=_render, head_sha=PR_HEAD)
    assert len(body.text) < MAX_COMMENT_CHARS
    assert body.text.count("to create (1,500,000 credits)") == 1  # the summary line
    shown = body.text.count("| `+` | create |")
    assert 100 < shown < 5000
    assert f"… {5000 - shown:,} more actions — see the job summary" in body.text
    assert "<details open>" in body.text


def test_two_targets_share_one_comment_and_both_summaries_fit():
    big = plan_dict(make_plan(5000, target="prod"))
    small = plan_dict(make_plan(1, target="staging"))
    body = compose_comment([big, small], render=_render, head_sha=PR_HEAD)
    assert body.marker == "<!-- voicectl:plan -->"  # one per repository, whatever its targets
    assert len(body.text) < MAX_COMMENT_CHARS
    assert "### Target `prod`" in body.text and "### Target `staging`" in body.text
    assert "Plan: 1 to create (300 credits)" in body.text
    assert "more actions — see the job summary" in body.text
    assert set(parse_review_records(body.text)) == {"prod", "staging"}


def test_budget_goes_first_to_small_sections():
    assert share_budget([100, 50_000, 50_000], 60_003) == [100, 29_950, 29_950]
    assert share_budget([10, 20], 1000) == [10, 20]


def test_markdown_and_html_in_aliases_and_metadata_are_inert():
    evil = {"note": "<img src=x onerror=alert(1)> | **bold** @octocat `code` [x](http://e)"}
    data = plan_dict(make_plan(0, aliases=("anna-en",), metadata=evil))
    data["actions"][0]["alias"] = "<script>|@team"
    data["actions"][0]["reasons"] = ["</details><h1>pwned</h1>\n::error::x"]
    body = compose_comment([data], render=_render).text
    for raw in ("<img", "<script>", "</details><h1>", "@octocat", "@team", "\n::error::"):
        assert raw not in body
    assert "&lt;script&gt;\\|@\u200dteam" in body


def test_target_names_cannot_break_out_of_the_marker():
    assert safe_target("prod --> <b>x</b>") == "prod_--___b_x__b_"


def test_review_problems_compare_checksum_and_head():
    data = plan_dict(make_plan(1))
    good = {"default": ReviewedTarget("default", data["checksum"], PR_HEAD)}
    assert review_problems([data], good, pr_number=5, pr_head=PR_HEAD) == []
    other = {"default": ReviewedTarget("default", "sha256:" + "0" * 64, PR_HEAD)}
    assert review_problems([data], other, pr_number=5, pr_head=PR_HEAD) == [
        f"target default: the fresh plan ({data['checksum']}) differs from the plan reviewed "
        f"on pull request #5 (sha256:{'0' * 64})"
    ]
    assert review_problems([data], good, pr_number=5, pr_head=HEAD) == [
        f"the plan reviewed on pull request #5 is for commit {PR_HEAD[:12]}, not its last "
        f"commit {HEAD[:12]} (did the plan job fail on the last push?)"
    ]
    assert review_problems([data], {}, pr_number=5, pr_head=PR_HEAD) == [
        "no plan for target default was reviewed on pull request #5"
    ]
