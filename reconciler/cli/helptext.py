"""What `voicectl COMMAND --help` says beyond the options: a description and examples.

One entry per subcommand; `parser_options(name)` gives add_parser() the description, the
examples as epilog and a formatter that keeps their line breaks.
"""

from __future__ import annotations

import argparse
from typing import Any

_TEXT: dict[str, tuple[str, tuple[str, ...]]] = {
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
    "engines": (
        "Print the rules of each voice engine: file counts, durations, sizes, consent and "
        "the credits a successful clone costs.",
        ("voicectl engines",),
    ),
}


def parser_options(name: str) -> dict[str, Any]:
    """Keyword arguments for `sub.add_parser(name, …)`: description and examples."""
    description, examples = _TEXT[name]
    epilog = "examples:\n" + "\n".join(f"  {line}" for line in examples)
    return {
        "description": description,
        "epilog": epilog,
        "formatter_class": argparse.RawDescriptionHelpFormatter,
    }
