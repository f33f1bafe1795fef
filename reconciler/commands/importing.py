"""`voicectl import [ALIAS…|--all]`: write one declaration per existing remote clone."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from reconciler.cli.arguments import add_target_arguments
from reconciler.cli.context import Context
from reconciler.cli.helptext import parser_options
from reconciler.cli.workspace import Workspace
from reconciler.model.errors import ConfigError, SelectorError
from reconciler.model.exitcodes import ExitCode


def register(sub: Any, name: str, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        name,
        parents=[common],
        help="write declarations for clones that already exist remotely",
        **parser_options(name),
    )
    add_target_arguments(parser, budget=False)  # import writes files, never spends credits
    parser.add_argument("aliases", nargs="*", metavar="ALIAS", help="aliases to import")
    parser.add_argument("--all", action="store_true", help="every clone visible to the key")
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    parser.set_defaults(handler=run)


def _write_new(path: Path, text: str, force: bool, shown: str) -> None:
    """Create `path` atomically; never replace an existing file without --force."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    if force:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # fails if the file exists: no check-then-write race
    except FileExistsError:
        raise ConfigError(f"{shown} already exists: use --force to overwrite it") from None
    finally:
        tmp.unlink(missing_ok=True)


def declared_aliases(root: Path, voices_dir: str) -> dict[str, str]:
    """{alias: repo path} of the declarations already in the repository (alias only); an
    alias named by `replaces:` maps to the declaring file with a note (importing it back
    would declare a voice twice)."""
    from reconciler.declarations.loading import find_voice_files
    from reconciler.declarations.yamlsrc import LocatedDoc, read_yaml

    found: dict[str, str] = {}
    replaced: dict[str, str] = {}
    for rel in find_voice_files(root, voices_dir):
        doc = read_yaml(root / rel, rel, root)
        data = doc.data if isinstance(doc, LocatedDoc) and isinstance(doc.data, dict) else {}
        alias, old = data.get("alias"), data.get("replaces")
        if isinstance(alias, str):
            found.setdefault(alias, rel)
        if isinstance(old, str):
            replaced.setdefault(old, f"{rel} (as `replaces: {old}`)")
    return {**replaced, **found}


def _check_targets(
    targets: dict[str, Path], ws: Workspace, force: bool, *, every: bool
) -> dict[str, str]:
    """Refuse before writing anything: an alias declared in another file, or (without
    --force) a file that already exists. With --all, declared aliases are skipped instead
    (so `import --all` completes a partly declared fleet and can run twice): returns
    {alias: where it is declared} for those."""
    declared = declared_aliases(ws.root, ws.project.voices_dir)
    skipped: dict[str, str] = {}
    for alias, path in sorted(targets.items()):
        shown = path.relative_to(ws.root).as_posix()
        where = declared.get(alias)
        if every and where is not None and (where != shown or not force):
            skipped[alias] = where
            continue
        if where is not None and where != shown:
            raise ConfigError(f"{alias} is already declared in {where}")
        if path.exists() and not force:
            raise ConfigError(f"{shown} already exists: use --force to overwrite it")
    return skipped


def run(args: argparse.Namespace, ctx: Context) -> int:
    from reconciler.cli.arguments import target_options
    from reconciler.cli.workspace import open_api, open_workspace
    from reconciler.declarations.importer import file_name_for, render_declaration
    from reconciler.model.values import current_record

    if not args.aliases and not args.all:
        raise SelectorError("name the aliases to import, or use --all")
    ws = open_workspace(ctx, target_options(args))
    ctx.notice(ws.settings.banner)
    with open_api(ws.settings, ctx) as api:
        if args.all:
            listing = api.list_clones()
            if not listing.complete:  # list-all refused (api-contract.md E26)
                raise SelectorError("the API refused to list every clone: name the aliases")
            histories: dict[str, Any] = {}
            for item in listing.records:
                histories.setdefault(item.alias, []).append(item)
        else:
            histories = {alias: list(api.get_clones(alias)) for alias in args.aliases}
    if not histories:
        ctx.err.print("nothing to import: the organisation has no clones")
        return ExitCode.SUCCESS
    missing = sorted(alias for alias, records in histories.items() if not records)
    if missing:
        raise SelectorError(f"no remote clone named {', '.join(map(repr, missing))}")
    voices_dir = ws.root / ws.project.voices_dir
    schema = Path(os.path.relpath(ws.root / "schemas" / "voice.schema.json", voices_dir))
    records = {alias: current_record(tuple(histories[alias])) for alias in sorted(histories)}
    targets = {alias: voices_dir / file_name_for(r) for alias, r in records.items() if r}
    skipped = _check_targets(targets, ws, args.force, every=args.all)
    for alias, where in sorted(skipped.items()):
        ctx.notice(f"skipped {alias}: already declared in {where}")
    if skipped and len(skipped) == len(targets):
        ctx.err.print("nothing to import: every remote clone is already declared")
        return ExitCode.SUCCESS
    for alias, record in records.items():
        if record is None or alias in skipped:
            continue
        target = targets[alias]
        shown = target.relative_to(ws.root).as_posix()
        text = render_declaration(record, schema_path=schema.as_posix())
        _write_new(target, text, args.force, shown)
        ctx.err.print(f"imported {alias} → {shown}")
    return ExitCode.SUCCESS
