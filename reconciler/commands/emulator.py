"""`voicectl emulator serve`: run the AudioStack emulator on 127.0.0.1 (api-contract.md §7).

Prints the base URL and a ready API key, one per line, then serves until Ctrl-C or
SIGTERM. The emulator package is imported inside run(), never at module load.
"""

from __future__ import annotations

import argparse
import ipaddress
import sqlite3
from pathlib import Path
from typing import Any

from reconciler.cli.context import Context
from reconciler.cli.helptext import parser_options
from reconciler.model.exitcodes import ExitCode

DEFAULT_DB = Path(".voicectl") / "emulator.sqlite3"
CLOCK_MODES = ("immediate", "time", "manual")


def register(sub: Any, name: str, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        name, parents=[common], help="run the local AudioStack emulator", **parser_options(name)
    )
    actions = parser.add_subparsers(dest="emulator_action", metavar="ACTION")
    serve = actions.add_parser(
        "serve", parents=[common], help="serve the emulator over HTTP on 127.0.0.1"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8787, help="port (0 = any free port)")
    serve.add_argument(
        "--db", default=None, help=f"SQLite state file or :memory: (default {DEFAULT_DB})"
    )
    serve.add_argument("--clock", choices=CLOCK_MODES, default="time", help="transition mode")
    serve.add_argument("--time-scale", type=float, default=1.0, help="multiply clone phase lengths")
    serve.add_argument(
        "--rate-limit", type=float, default=None, metavar="N", help="requests/s per key → 429"
    )
    serve.add_argument(
        "--dialect",
        default="guide",
        metavar="NAME",
        help="response shapes: guide (default), sdk, or variants joined with + "
        "(api-contract.md §8)",
    )
    serve.add_argument(
        "--allow-remote", action="store_true", help="allow binding a non-loopback address"
    )
    parser.set_defaults(handler=run)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace, ctx: Context) -> int:
    if args.emulator_action != "serve":
        ctx.err.print("usage: voicectl emulator serve [--host H] [--port N] [--db PATH]")
        return ExitCode.ERROR
    if not _is_loopback(args.host) and not args.allow_remote:
        ctx.err.print(
            f"error: refusing to bind {args.host}: the emulator has an unauthenticated admin"
            " API\n  hint: pass --allow-remote to bind a non-loopback address"
        )
        return ExitCode.ERROR
    if not 0 <= args.port <= 65535 or args.time_scale <= 0 or (args.rate_limit or 1) <= 0:
        ctx.err.print("error: --port must be 0-65535; --time-scale and --rate-limit positive")
        return ExitCode.ERROR
    from reconciler.emulator.core import Emulator
    from reconciler.emulator.dialects import parse_dialect
    from reconciler.emulator.server import serve
    from reconciler.emulator.wire import ApiProblem

    try:
        parse_dialect(args.dialect)
    except ApiProblem as exc:
        ctx.err.print(
            f"error: --dialect: {exc.message}\n  hint: voicectl emulator serve --dialect sdk",
            markup=False,
            soft_wrap=True,
        )
        return ExitCode.ERROR

    db = args.db or str(ctx.cwd / DEFAULT_DB)
    try:
        if db != ":memory:":
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        emulator = Emulator(
            db,
            clock_mode=args.clock,
            time_scale=args.time_scale,
            rate_limit=args.rate_limit,
            dialect=args.dialect,
        )
    except (sqlite3.DatabaseError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        ctx.err.print(
            f"error: cannot open the emulator database {db}: {reason}\n"
            "  hint: pass --db with a new file name (or delete the damaged file)",
            markup=False,
            soft_wrap=True,
        )
        return ExitCode.ERROR

    def announce(base_url: str) -> None:
        ctx.out.print(f"AUDIOSTACK_API_URL={base_url}", soft_wrap=True)
        ctx.out.print(f"AUDIOSTACK_API_KEY={emulator.default_key}", soft_wrap=True)
        ctx.out.file.flush()
        dialect = f", dialect {args.dialect}" if args.dialect != "guide" else ""
        ctx.err.print(
            f"emulator serving {db} on {base_url}{dialect} (Ctrl-C to stop)", soft_wrap=True
        )
        ctx.err.file.flush()

    try:
        serve(emulator, args.host, args.port, on_ready=announce)
    except OSError as exc:
        ctx.err.print(f"error: cannot bind {args.host}:{args.port}: {exc.strerror or exc}")
        return ExitCode.ERROR
    finally:
        emulator.close()
    return ExitCode.SUCCESS
