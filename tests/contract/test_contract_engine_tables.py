"""reliability.md E1: reconciler/model/enginetable.py = emulator/limits.py = api-contract.md §5.

The two code copies are independent on purpose; this test is what keeps them equal. The
markdown table is parsed when the design docs are present (they live outside the repo).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reconciler.emulator import limits
from reconciler.model import enginetable

CONTRACT_PATHS = (
    Path(__file__).resolve().parents[2] / "docs" / "api-contract.md",
    Path(__file__).resolve().parents[3] / "shared" / "design" / "api-contract.md",
)
FIELDS = ("max_files", "min_file_s", "min_total_s", "max_total_bytes", "credits", "consent")


def _facts(table: object, name: str) -> dict[str, object]:
    entry = table.ENGINES[name]  # type: ignore[attr-defined]
    consent = getattr(entry, "consent_required", None)
    return {
        "max_files": entry.max_files,
        "min_file_s": float(entry.min_file_s),
        "min_total_s": float(entry.min_total_s),
        "max_total_bytes": entry.max_total_bytes,
        "credits": entry.credits,
        "consent": consent,
    }


def _seconds(text: str) -> float:
    number, unit = re.match(r"\s*([\d.]+)\s*(\w+)", text).groups()  # type: ignore[union-attr]
    return float(number) * (60 if unit.startswith("minute") else 1)


def _contract_table(text: str) -> dict[str, dict[str, object]]:
    section = text.split("## 5. Engine limits", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] and not set(cells[0]) <= {"-"}:
            rows[cells[0]] = cells[1:]
    parsed: dict[str, dict[str, object]] = {}
    for column, name in enumerate(("voice_engine_2", "voice_engine_3")):
        parsed[name] = {
            "max_files": int(rows["Max. files amount"][column]),
            "min_file_s": _seconds(rows["Min. single file duration"][column]),
            "min_total_s": _seconds(rows["Min. total audio duration"][column]),
            "max_total_bytes": int(rows["Max. total file size"][column].removesuffix("MB"))
            * 1_000_000,
            "credits": int(rows["Credits on success"][column]),
            "consent": rows["Consent recording"][column].startswith("required"),
        }
    return parsed


def test_emulator_limits_equal_the_client_engine_table() -> None:
    assert sorted(limits.ENGINES) == sorted(enginetable.ENGINES)
    for name in limits.ENGINES:
        assert _facts(limits, name) == _facts(enginetable, name), name


def test_both_engine_tables_equal_the_contract_markdown() -> None:
    contract = next((p for p in CONTRACT_PATHS if p.is_file()), None)
    if contract is None:
        pytest.skip("api-contract.md is not available here")
    table = _contract_table(contract.read_text(encoding="utf-8"))
    assert set(table) == set(limits.ENGINES)
    for name, facts in table.items():
        assert _facts(limits, name) == facts, name
        assert _facts(enginetable, name) == facts, name


def test_megabytes_are_decimal_in_both_copies() -> None:
    assert limits.MB == enginetable.MB == 1_000_000
