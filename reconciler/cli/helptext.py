"""What `voicectl COMMAND --help` says beyond the options: a description and examples.

One entry per subcommand; `parser_options(name)` gives add_parser() the description, the
examples as epilog and a formatter that keeps their line breaks.
"""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

_TEXT: dict[str, tuple[str, tuple[str, ...]]] = {
    "init": (
        "Scaffold a voices repository in DIR (default: here): voicectl.yaml, voices/ with "
        "one example voice and its recordings, schemas/ for the editor modeline, the "
        "GitHub workflows and .pre-commit-config.yaml. Never overwrites: an existing file is "
        "refused (exit 1, nothing written) unless --skip-existing keeps it and writes the rest.",
        (
            "voicectl init",
            "voicectl init my-voices --owner acme/voices",
            "voicectl init --action acme/voicectl@<full commit SHA>   # the workflows' action",
            "voicectl init --skip-existing            # add what is missing to a repository",
        ),
    ),
    "validate": (
        "",  # the command module's own DESCRIPTION
        (
            "voicectl validate",
            "voicectl validate voices/anna.yaml       # report one file (the tree is read)",
            "voicectl validate --format json          # the schema: voicectl schema validate",
        ),
    ),
    "audio": (
        "",
        (
            "voicectl audio",
            "voicectl audio anna-en voices/audio/extra.wav",
            "voicectl audio --format json",
        ),
    ),
    "plan": (
        "Read the remote (GET only), compare it with the declarations and show what apply "
        "would create, adopt or report, and what it costs. Nothing is written.",
        (
            "voicectl plan",
            "voicectl plan --out plan.json            # save it for `voicectl apply plan.json`",
            "voicectl plan --base origin/main         # pull-request mode: two sections",
            "voicectl plan --format json --detail full",
        ),
    ),
    "apply": (
        "Plan afresh, check it against a reviewed plan (PLAN.json or --expect-checksum), "
        "then upload the missing audio, create the missing clones, wait for them and re-plan. "
        "Gates: stale plan → 3, blocked → 4, no confirmation → 1; nothing is written before.",
        (
            "voicectl apply plan.json                 # exactly the reviewed plan",
            "voicectl apply --yes --only 'anna-*'",
            "voicectl apply --yes --wait-timeout 60   # clones still running stay pending",
        ),
    ),
    "status": (
        "One row per declared voice: its remote status, files used and discarded, and what "
        "the plan would do with it (GET only).",
        ("voicectl status", "voicectl status --target prod --only 'anna-*'"),
    ),
    "drift": (
        "Does the remote still match the declarations? Prints what differs, is missing, "
        "failed or is orphaned; exit 0 when nothing, 2 when something did.",
        (
            "voicectl drift",
            "voicectl drift --format json             # exit_reason: drift | no_drift",
            "voicectl drift --issue                   # in CI: one GitHub issue per target",
        ),
    ),
    "import": (
        "Write one declaration per clone that already exists remotely (files as file_id:), "
        "so a later plan adopts them for 0 credits. Never overwrites without --force.",
        ("voicectl import anna-en bob-fr", "voicectl import --all"),
    ),
    "comment": (
        "",
        (
            "voicectl comment plan.json               # in a pull-request workflow",
            "voicectl comment plan-prod.json plan-staging.json --dry-run",
            "voicectl comment --failed plan --log plan.log",
            "voicectl comment --applied report.json   # after merge",
        ),
    ),
    "engines": (
        "Print the rules of each voice engine: file counts, durations, sizes, consent and "
        "the credits a successful clone costs.",
        ("voicectl engines",),
    ),
    "targets": (
        "",
        ("voicectl targets", 'for t in $(voicectl targets); do voicectl plan --target "$t"; done'),
    ),
    "schema": (
        "",
        (
            "voicectl schema > schemas/voice.schema.json",
            "voicectl schema plan",
            "voicectl schema validate                 # the shape of validate --format json",
        ),
    ),
    "emulator": (
        "Run the embedded AudioStack emulator for other tools: the same contract voicectl "
        "targets without a key (uploads, clones on a virtual clock, credits, faults), on "
        "loopback only unless --allow-remote.",
        (
            "voicectl emulator serve --port 8787 --clock immediate",
            "voicectl emulator serve --db :memory: --dialect sdk",
        ),
    ),
    "completion": (
        "Print a shell completion script for bash, zsh or fish: subcommands, their options "
        "and the values of choice options. Generated from voicectl's own argument parser, so "
        "it always matches this version.",
        (
            "voicectl completion bash > ~/.local/share/bash-completion/completions/voicectl",
            'voicectl completion zsh > "${fpath[1]}/_voicectl"',
            "voicectl completion fish > ~/.config/fish/completions/voicectl.fish",
            'eval "$(voicectl completion bash)"      # this shell only',
        ),
    ),
}


def parser_options(name: str, description: str | None = None) -> dict[str, Any]:
    """Keyword arguments for `sub.add_parser(name, …)`: description and examples.
    `description` (kept as written) replaces the one-paragraph text of this table."""
    text, examples = _TEXT[name]
    epilog = "examples:\n" + "\n".join(f"  {line}" for line in examples)
    return {
        "description": description or textwrap.fill(text, width=88),
        "epilog": epilog,
        "formatter_class": argparse.RawDescriptionHelpFormatter,
    }
