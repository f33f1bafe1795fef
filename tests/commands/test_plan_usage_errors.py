"""`voicectl plan` usage errors: one line naming the flag (and its choices), exit 1 rather
than argparse's 2, and not a single request sent."""

from __future__ import annotations

import pytest

from tests.support.clirig import Emu, Repo


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("plan", "--bogus"), "voicectl plan: error: unrecognized arguments: --bogus\n"),
        (
            ("plan", "--format", "yaml"),
            "voicectl plan: error: argument --format: invalid choice: 'yaml' "
            "(choose from 'text', 'json', 'markdown')\n",
        ),
        (
            ("plan", "--max-credits", "many"),
            "voicectl plan: error: argument --max-credits: invalid int value: 'many'\n",
        ),
        (
            ("plan", "--detail", "all"),
            "voicectl plan: error: argument --detail: invalid choice: 'all' "
            "(choose from 'summary', 'changes', 'full')\n",
        ),
    ],
)
def test_usage_errors_exit_1_not_argparse_2(
    repo: Repo, emu: Emu, argv: tuple[str, ...], message: str
) -> None:
    outcome = repo.run(*argv)
    assert outcome.code == 1
    assert outcome.err.endswith(message)  # on the stream main() was given
    assert emu.requests() == []
