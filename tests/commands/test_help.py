"""Help that helps: a description, only the options that apply, examples; an option a
subcommand does not take is named with that subcommand's usage; --no-color is plain."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from reconciler.cli.main import COMMANDS, main

EXAMPLED = tuple(COMMANDS)  # every subcommand


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(*argv: str, cwd: Path | None = None, tty: bool = False) -> tuple[int, str, str]:
    out, err = (Tty(), Tty()) if tty else (io.StringIO(), io.StringIO())
    code = main(list(argv), environ={}, stdout=out, stderr=err, cwd=cwd)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("command", EXAMPLED)
def test_every_subcommand_has_a_description_and_examples(command: str) -> None:
    code, out, _ = _run(command, "--help")
    assert code == 0
    usage, description = out.split("\n\n")[:2]
    assert usage.startswith(f"usage: voicectl {command} ")
    assert len(description.split()) > 8  # a sentence, not a title
    examples = out.split("examples:\n", 1)[1].splitlines()
    assert examples and all(f"voicectl {command}" in line for line in examples)
    assert all(len(line) <= 100 for line in out.splitlines())  # wrapped, also the description


def test_detail_and_plan_file_say_what_they_do() -> None:
    _, plan_help, _ = _run("plan", "--help")
    assert "how much" not in plan_help
    assert "summary: the summary line only; changes (default)" in " ".join(plan_help.split())
    _, apply_help, _ = _run("apply", "--help")
    assert "a plan saved by `voicectl plan --out`: apply refuses (exit 3) if it is stale" in (
        " ".join(apply_help.split())
    )


def test_status_takes_no_budget_and_names_itself_when_refusing_an_option() -> None:
    code, out, err = _run("status", "--max-credits", "0")
    assert (code, out) == (1, "")
    assert err.splitlines()[0].startswith("usage: voicectl status ")
    assert err.splitlines()[-1] == "voicectl status: error: unrecognized arguments: --max-credits 0"
    code, _, err = _run("status", "--format", "json")
    assert err.splitlines()[-1] == "voicectl status: error: unrecognized arguments: --format json"


def test_no_color_is_plain_even_on_a_terminal() -> None:
    code, styled, _ = _run("engines", tty=True)
    assert code == 0 and "\x1b[" in styled  # the table header is bold on a terminal …
    code, plain, _ = _run("engines", "--no-color", tty=True)
    assert code == 0 and "\x1b[" not in plain  # … and plain with --no-color: no bold either


def test_applying_a_json_file_that_is_no_plan_says_so(tmp_path: Path) -> None:
    (tmp_path / "voices").mkdir()
    (tmp_path / "bad.json").write_text('{"hello": 1}\n')
    code, _, err = _run("apply", "bad.json", "--api", "emulator", cwd=tmp_path)
    assert code == 1
    assert err.splitlines()[-2:] == [
        "error: bad.json: not a voicectl plan (no format_version)",  # as the user typed it
        "  hint: make one with `voicectl plan --out plan.json`",
    ]


def test_the_readme_vocabulary_table_lists_every_symbol() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Plan vocabulary", 1)[1].split("```", 1)[0]
    for symbol, word in (("+", "create"), ("=", "adopt"), ("~", "drift"), ("-/+", "replace"),
                         ("…", "pending"), ("x", "failed"), ("-", "orphan"), ("?", "unmanaged"),
                         ("!", "blocked"), ("·", "noop")):  # fmt: skip
        assert f"| `{symbol}` | {word} |" in table


@pytest.mark.parametrize(
    ("command", "option"),
    [
        ("drift", "--max-credits"),  # a read-only check spends nothing
        ("drift", "--retry-failed"),  # nor plans new creates
        ("drift", "--base"),  # the scheduled check of main has no pull request
        ("import", "--max-credits"),  # import writes files, never spends credits
    ],
)
def test_an_option_that_means_nothing_there_is_refused(command: str, option: str) -> None:
    code, out, err = _run(command, f"{option}=1")
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == (
        f"voicectl {command}: error: unrecognized arguments: {option}=1"
    )
    _, help_text, _ = _run(command, "--help")
    assert option not in help_text
