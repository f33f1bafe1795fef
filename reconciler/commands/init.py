"""`voicectl init [DIR]`: scaffold a voices repository (cli/scaffold.py says what) and
never overwrite anything.

Every path is checked before the first write: an existing file is named on its own line
and nothing at all is written (exit 1), unless `--skip-existing` keeps it and writes the
rest. Each new file is created atomically and only if it still does not exist (a hard
link of a finished temporary file: no check-then-write race, no half-written file).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
from pathlib import Path
from typing import Any

from reconciler.cli.context import Context
from reconciler.cli.helptext import parser_options
from reconciler.model.errors import ConfigError
from reconciler.model.exitcodes import ExitCode

OWNER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9_.-]+)?$")
NEXT_STEPS = (
    "next: {cd}voicectl validate && voicectl plan   # no key: the embedded emulator",
    "      voicectl apply --yes --api emulator   # then `voicectl plan` says No changes.",
)


def register(sub: Any, name: str, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        name,
        parents=[common],
        help="scaffold a voices repository (never overwrites)",
        **parser_options(name),
    )
    parser.add_argument("directory", nargs="?", default=".", metavar="DIR", help="default: .")
    parser.add_argument(
        "--owner",
        metavar="OWNER",
        help="`owner:` of voicectl.yaml (default: the git remote origin's owner/name, else "
        "the folder name)",
    )
    parser.add_argument(
        "--action",
        metavar="OWNER/REPO@SHA",
        help="the voicectl repository and full commit the workflows and the pre-commit hook "
        "use (default: where this voicectl was installed from, if a GitHub clone); without "
        "one the workflows are not written",
    )
    parser.add_argument(
        "--skip-existing",
        action="store_true",
        help="keep files that exist (still never overwritten) and write the others",
    )
    parser.set_defaults(handler=run)


def _owner(args: argparse.Namespace, root: Path) -> str:
    from reconciler.orchestration.git import origin_repository

    owner = args.owner or (origin_repository(root) if root.is_dir() else None) or root.name
    if not OWNER.fullmatch(owner):
        raise ConfigError(
            f"--owner {owner!r} is not a repository name\n  hint: e.g. --owner acme/voices"
        )
    return str(owner)


def _action(args: argparse.Namespace) -> str | None:
    from reconciler.cli.scaffold import ACTION_REF, installed_action

    if args.action is None:
        return installed_action()
    if not ACTION_REF.fullmatch(args.action):
        raise ConfigError(
            f"--action {args.action!r} is not OWNER/REPO@<full commit SHA>\n"
            "  hint: pin a commit, not a tag, e.g. --action acme/voicectl@<40 hex digits>"
        )
    return str(args.action)


def _create(path: Path, data: bytes) -> bool:
    """Write `path` atomically if it does not exist; False if it appeared meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.voicectl-init.tmp")
    tmp.write_bytes(data)
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return True


def run(args: argparse.Namespace, ctx: Context) -> int:
    from reconciler.cli.scaffold import ScaffoldOptions, scaffold
    from reconciler.redact import safe

    shown = args.directory
    root = (ctx.cwd / shown).resolve() if not Path(shown).is_absolute() else Path(shown)
    if root.exists() and not root.is_dir():
        raise ConfigError(f"{shown} exists and is not a folder")
    action = _action(args)
    files = scaffold(ScaffoldOptions(owner=_owner(args, root), action=action))
    where = "" if shown == "." else f"{shown.rstrip('/')}/"
    existing = [f for f in files if (root / f.path).exists() or (root / f.path).is_symlink()]
    if existing and not args.skip_existing:
        for f in existing:
            ctx.err.print(f"error: {where}{f.path} exists; not overwritten", markup=False)
        ctx.err.print(
            "nothing written\n  hint: move those files away, or pass --skip-existing to keep "
            "them and write the rest",
            markup=False,
        )
        return ExitCode.ERROR
    for f in files:
        if f in existing or not _create(root / f.path, f.data):
            ctx.err.print(f"kept     {where}{f.path} (exists)", markup=False)
        elif not ctx.quiet:
            ctx.err.print(f"created  {where}{f.path}", markup=False)
    if action is None and not ctx.quiet:
        ctx.err.print(
            "workflows not written: no voicectl repository to use as their action\n"
            "  hint: voicectl init --skip-existing --action OWNER/voicectl@<full commit SHA>",
            markup=False,
        )
    if not ctx.quiet:
        cd = f"cd {safe(shown)} && " if where else ""
        ctx.err.print(NEXT_STEPS[0].format(cd=cd) + "\n" + NEXT_STEPS[1], markup=False)
    return ExitCode.SUCCESS
