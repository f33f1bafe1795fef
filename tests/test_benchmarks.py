"""Each benchmark script runs end to end at a minimal size (benchmarks are not tests: this
only proves they still work; their figures are printed, never asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.parametrize(
    ("script", "argv", "expected"),
    [
        ("growth_bench.py", ["--sizes", "3"], "first apply ÷ emulator"),
        ("latency_bench.py", ["--voices", "2", "--latency", "0.01"], "created 2 clones"),
        ("validate_bench.py", ["--repeat", "1"], "ratio"),
    ],
)
def test_benchmark_runs_at_a_minimal_size(script: str, argv: list[str], expected: str) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *argv],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert expected in done.stdout
