"""Golden renderings of one rich scenario (every action) and one PR scenario.

Regenerate after an intended change with `UPDATE_GOLDEN=1 pytest tests/plan`.
"""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from reconciler.plan.value import Plan
from reconciler.render.jsonout import render_json
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_plan
from tests.support.planbuild import plan_of, pr_plan_of, pr_scenario, rich_scenario
from tests.support.planschema import assert_valid_plan_json

GOLDEN = Path(__file__).parent / "golden"
HEAD = "4be1c0d2f9a8e7b6c5d4e3f2a1b0c9d8e7f6a5b4"
MARKER = "<!-- voicectl:plan target=default -->"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
        return
    assert text == path.read_text(encoding="utf-8"), f"{name} changed (UPDATE_GOLDEN=1 to accept)"


def text_of(plan: Plan, detail: str = "changes") -> str:
    buffer = StringIO()
    render_plan(plan, Console(file=buffer, width=100, color_system=None), detail)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def rich_plan() -> Plan:
    return plan_of(*rich_scenario())


@pytest.fixture(scope="module")
def pr_plan() -> Plan:
    return pr_plan_of(*pr_scenario())


def test_golden_text_plan(rich_plan: Plan) -> None:
    check_golden("plan.txt", text_of(rich_plan))


def test_golden_text_plan_full_detail(rich_plan: Plan) -> None:
    check_golden("plan-full.txt", text_of(rich_plan, "full"))


def test_golden_markdown_plan(rich_plan: Plan) -> None:
    check_golden("plan.md", render_markdown(rich_plan, marker=MARKER, head_sha=HEAD))


def test_golden_json_plan(rich_plan: Plan) -> None:
    text = render_json(
        rich_plan,
        created_at="2026-11-25T10:00:00Z",
        git={"head": HEAD, "base": None},
        api_url="https://v2.api.audio",
    )
    assert_valid_plan_json(text)
    check_golden("plan.json", text)


def test_golden_text_pr_plan(pr_plan: Plan) -> None:
    check_golden("plan-pr.txt", text_of(pr_plan))


def test_golden_markdown_pr_plan(pr_plan: Plan) -> None:
    check_golden("plan-pr.md", render_markdown(pr_plan, head_sha=HEAD))
