"""`voicectl audio [PATH|ALIAS…]`: measure recordings and print a table per voice (or
`--format json`). Offline, no key. Declared voices by alias, declaration or folder; any
other audio file is measured on its own (judged as one group, without engine rules).

Exit status: 0 without errors, 1 when a finding (or the declarations) has an error.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reconciler.cli.helptext import parser_options
from reconciler.model.exitcodes import ExitCode

if TYPE_CHECKING:
    from reconciler.cli.context import Context
    from reconciler.model.errors import Diagnostic
    from reconciler.model.quality import VoiceQuality

YAML_SUFFIXES = (".yaml", ".yml")
LOOSE = "(files)"


def register(sub: Any, name: str, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        name,
        parents=[common],
        help="measure recordings: speech, loudness, peaks, clipping, noise (offline)",
        **parser_options(name, __doc__),
    )
    parser.add_argument(
        "targets", nargs="*", metavar="PATH|ALIAS", help="voices, declarations or audio files"
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (default): a table per voice; json: every figure",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from reconciler.declarations.loading import load_declarations, load_project
    from reconciler.declarations.project import find_root
    from reconciler.model.errors import DeclarationError
    from reconciler.render.annotations import print_diagnostics

    root = find_root(ctx.cwd)
    project = load_project(root)
    given = [Path(t) if Path(t).is_absolute() else ctx.cwd / t for t in args.targets]
    loose = [p for p in given if p.is_file() and not p.name.endswith(YAML_SUFFIXES)]
    declared = [p for p in given if p.exists() and p not in loose]
    aliases = {t for t, p in zip(args.targets, given, strict=True) if not p.exists()}
    diagnostics: list[Diagnostic] = []
    voices: tuple[Any, ...] = ()
    if not loose or declared or aliases:
        try:
            loaded = load_declarations(
                root, declared or None, project=project, cache_dir=root / ".voicectl"
            )
            voices, diagnostics = loaded.quality, list(loaded.warnings)
        except DeclarationError as exc:
            voices, diagnostics = exc.quality, list(exc.diagnostics)
    if aliases:
        known = {v.alias for v in voices}
        missing = sorted(aliases - known)
        if missing:
            ctx.err.print(f"error: no declared voice or file named {', '.join(missing)}")
            return ExitCode.ERROR
        voices = tuple(v for v in voices if v.alias in aliases or declared)
    if loose:
        group, found = _measure_loose(root, loose, project)
        voices, diagnostics = (*voices, group), [*diagnostics, *found]
    if diagnostics:
        print_diagnostics(diagnostics, ctx)
    _render(voices, args.format, ctx)
    return ExitCode.ERROR if any(d.is_error for d in diagnostics) else ExitCode.SUCCESS


def _measure_loose(
    root: Path, files: list[Path], project: Any
) -> tuple[VoiceQuality, list[Diagnostic]]:
    from reconciler.audio.analysis import MeasureJob, measure_files
    from reconciler.audio.assessment import assess_voice
    from reconciler.audio.inspect import inspect_audio
    from reconciler.audio.measurecache import MeasureCache
    from reconciler.model.errors import Diagnostic, Location
    from reconciler.model.values import Alias, Declaration, DeclaredFile

    entries: list[DeclaredFile] = []
    problems: list[Diagnostic] = []
    for path in files:
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        info = inspect_audio(path, shown, Location(shown))
        if isinstance(info, Diagnostic):
            problems.append(info)
        else:
            entries.append(DeclaredFile(Location(shown), path=shown, audio=info))
    jobs = [
        MeasureJob(files[i], e.audio.sha256, e.audio.bytes, str(e.path))
        for i, e in enumerate(entries)
        if e.audio
    ]
    cache = MeasureCache(root / ".voicectl")
    measured = measure_files(jobs, cache)
    cache.save()
    group = Declaration(Alias(LOOSE), "", "", tuple(entries), Location(LOOSE))
    quality, found = assess_voice(group, measured, project.quality, Location(LOOSE))
    return quality, [*problems, *found]


def _render(voices: tuple[Any, ...], form: str, ctx: Context) -> None:
    import json

    from rich.table import Table
    from rich.text import Text

    from reconciler.plan.qualityjson import voice_quality_dict
    from reconciler.render.qualitytext import FILE_HEADINGS, UNITS_NOTE, file_row, quality_line

    data = [voice_quality_dict(v) for v in voices]
    if form == "json":
        ctx.out.file.write(json.dumps({"voices": data}, indent=2, ensure_ascii=False) + "\n")
        return
    for voice in data:
        ctx.out.print(Text(f"{voice['alias']}: {quality_line(voice)}"), soft_wrap=True)
        table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
        for heading in FILE_HEADINGS:
            left = heading in ("verdict", "file")
            table.add_column(
                heading, justify="left" if left else "right", no_wrap=not left, overflow="fold"
            )
        for item in voice["files"]:
            table.add_row(*(Text(cell) for cell in file_row(item)))
        ctx.out.print(table, soft_wrap=True)
    if data:
        ctx.out.print(Text(UNITS_NOTE, style="dim"))
