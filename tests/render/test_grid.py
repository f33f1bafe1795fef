"""The aligned grid prints what rich's Table printed, character for character, and only a
terminal too narrow for it still folds through rich."""

from __future__ import annotations

import io
import random

import pytest
from rich.console import Console
from rich.text import Text

from reconciler.render.grid import Grid, print_grid

WORDS = ("✓", "✗", "…", "fleet-00042", "succeeded", "not attempted", "日本語の声", "é", "", "a b")


def _console(width: int = 80, terminal: bool = False) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=terminal, color_system=None)
    return console, buffer


def _as_rich_printed_it(grid: Grid) -> str:
    """The old path: the table measured at its natural width and printed line by line."""
    console, buffer = _console(100_000)
    console.print(grid.rich_table())
    return "\n".join(line.rstrip("\n") for line in buffer.getvalue().splitlines()) + "\n"


def _grid(seed: int, ruled: bool) -> Grid:
    chance = random.Random(seed)
    columns = chance.randint(1, 6)
    grid = Grid([chance.choice(WORDS) for _ in range(columns)], ruled=ruled)
    for _ in range(chance.randint(0, 12)):
        grid.add_row(*("".join(chance.sample(WORDS, 2)) for _ in range(columns)))
    return grid


@pytest.mark.parametrize("ruled", [True, False])
@pytest.mark.parametrize("seed", range(40))
def test_the_grid_is_rich_s_table_character_for_character(seed: int, ruled: bool) -> None:
    grid = _grid(seed, ruled)
    console, buffer = _console(20)  # a pipe: never squeezed, however narrow
    print_grid(console, grid)
    assert buffer.getvalue() == _as_rich_printed_it(grid)


def test_the_report_header_and_rule() -> None:
    grid = Grid(["", "alias", "result", "detail"])
    grid.add_row("✓", "anna-en-instant", "succeeded", "")
    console, buffer = _console()
    print_grid(console, grid)
    assert buffer.getvalue().splitlines() == [
        "    alias             result      detail",
        "─" * 40,
        "✓   anna-en-instant   succeeded         ",
    ]


def test_a_narrow_terminal_folds_long_cells_to_its_width() -> None:
    grid = Grid(["alias", "detail"])
    grid.add_row("a-very-long-alias-" * 3, "x")
    console, buffer = _console(30, terminal=True)
    print_grid(console, grid)
    lines = buffer.getvalue().splitlines()
    assert len(lines) > 3 and all(len(line) <= 30 for line in lines)


def test_the_header_is_bold_on_a_terminal() -> None:
    grid = Grid(["alias"])
    grid.add_row("anna")
    buffer = io.StringIO()
    print_grid(Console(file=buffer, width=80, force_terminal=True), grid)
    assert buffer.getvalue().startswith("\x1b[1malias")
    assert Text.from_ansi(buffer.getvalue()).plain.splitlines()[2] == "anna "
