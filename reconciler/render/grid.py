"""Column-aligned tables printed as one block of text: the apply report's per-voice rows
and `status`. Rich's `Table` measures and lays out every cell again for each print
(1 s per 1,000 rows here); an aligned grid of plain cells costs a join.

The output is rich's, character for character (tests/render/test_grid.py compares them):
a `Table(box=SIMPLE_HEAD)` or `Table(box=None)` with `show_edge=False, pad_edge=False`.
Only a terminal narrower than the table still goes through rich, which folds long cells
to fit the screen; a pipe or a CI log never squeezes a row (a long alias stays whole).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

RULE = "─"


@dataclass(slots=True)
class Grid:
    """Headers, then rows of plain strings; `ruled` draws the line under the headers."""

    headers: Sequence[str]
    ruled: bool = True
    rows: list[tuple[str, ...]] = field(default_factory=list)

    def add_row(self, *cells: str) -> None:
        if len(cells) != len(self.headers):
            raise ValueError(f"{len(cells)} cells for {len(self.headers)} columns")
        self.rows.append(tuple(cells))

    @property
    def widths(self) -> list[int]:
        return [max(map(cell_len, column)) for column in zip(self.headers, *self.rows, strict=True)]

    @property
    def gap(self) -> str:
        return "   " if self.ruled else "  "  # padding 1 + (a blank vertical) + padding 1

    def lines(self) -> list[Text]:
        widths = self.widths
        out = [Text(self._line(self.headers, widths), style="bold")]
        if self.ruled:
            out.append(Text(RULE * (sum(widths) + len(self.gap) * (len(widths) - 1))))
        out.extend(Text(self._line(row, widths)) for row in self.rows)
        return out

    def _line(self, cells: Sequence[str], widths: Sequence[int]) -> str:
        return self.gap.join(
            c + " " * (w - cell_len(c)) for c, w in zip(cells, widths, strict=True)
        )

    def rich_table(self) -> Table:
        table = Table(box=box.SIMPLE_HEAD if self.ruled else None, show_edge=False, pad_edge=False)
        for name in self.headers:
            table.add_column(name, overflow="fold")
        for row in self.rows:
            table.add_row(*(Text(cell) for cell in row))
        return table


def print_grid(console: Console, grid: Grid) -> None:
    """One print of the aligned lines; rich's folding only on a terminal too narrow."""
    natural = sum(grid.widths) + len(grid.gap) * (len(grid.headers) - 1)
    if console.is_terminal and natural > console.width:
        console.print(grid.rich_table())
        return
    console.print(Text("\n").join(grid.lines()), soft_wrap=True, highlight=False)
