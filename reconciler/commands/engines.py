"""`voicectl engines`: print the engine table the validator and plan use."""

from __future__ import annotations

import argparse
from typing import Any

from reconciler.cli.context import Context
from reconciler.model.exitcodes import ExitCode


def register(sub: Any, name: str, common: argparse.ArgumentParser) -> None:
    from reconciler.cli.helptext import parser_options

    parser = sub.add_parser(
        name, parents=[common], help="print the engine rules table", **parser_options(name)
    )
    parser.set_defaults(handler=run)


def _seconds(value: float) -> str:
    if value >= 60:
        return f"{value / 60:g} minutes"
    return f"{value:g} seconds"


def run(args: argparse.Namespace, ctx: Context) -> int:
    from rich.table import Table

    from reconciler.model.enginetable import ENGINE_NAMES, ENGINES, MB

    engines = [ENGINES[name] for name in ENGINE_NAMES]
    table = Table(title="AudioStack voice cloning engines", show_lines=False)
    table.add_column("")
    for engine in engines:
        table.add_column(f"{engine.name} ({engine.label})")
    rows: list[tuple[str, list[str]]] = [
        ("Max. files", [str(e.max_files) for e in engines]),
        ("Min. single file duration", [_seconds(e.min_file_s) for e in engines]),
        ("Min. total audio duration", [_seconds(e.min_total_s) for e in engines]),
        ("Max. total file size", [f"{e.max_total_bytes // MB} MB" for e in engines]),
        ("Consent recording", ["required" if e.consent_required else "-" for e in engines]),
        ("Credits on success", [f"{e.credits:,}" for e in engines]),
        ("SSML support", ["yes" if e.ssml else "no" for e in engines]),
        ("Multilingual", ["yes" if e.multilingual else "no" for e in engines]),
        ("Avg. latency, 500 chars", [f"{e.latency_500_chars_s:g} s" for e in engines]),
        ("Turnaround", [e.turnaround for e in engines]),
        (
            "Recommended (non-English)",
            [
                _seconds(e.recommended_non_english_s) if e.recommended_non_english_s else "-"
                for e in engines
            ],
        ),
    ]
    for label, cells in rows:
        table.add_row(label, *cells)
    ctx.out.print(table)
    ctx.out.print("MB = 1,000,000 bytes. Source: AudioStack voice cloning guide.")
    return ExitCode.SUCCESS
