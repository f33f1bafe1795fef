"""The metadata cap is honest: the schema allows the server's key cap less the keys voicectl
adds itself, so a voice that validates is never refused by the server for its metadata
(api-contract.md E22: the 32 is the emulator's invented cap; no SDK or the seed names one)."""

from __future__ import annotations

from pathlib import Path

from reconciler.declarations.schemacheck import load_schema
from reconciler.emulator.limits import METADATA_MAX_KEYS
from reconciler.model.values import FILES_STAMP_KEY, LANGUAGE_KEY, MANAGED_BY_KEY
from tests.support.clifixtures import emu, served_emulator
from tests.support.clirig import Emu, make_repo

__all__ = ["emu", "served_emulator"]

VOICECTL_KEYS = (LANGUAGE_KEY, MANAGED_BY_KEY, FILES_STAMP_KEY)


def test_the_schema_cap_is_the_server_cap_less_voicectl_keys() -> None:
    metadata = load_schema("voice")["properties"]["metadata"]
    assert metadata["maxProperties"] == METADATA_MAX_KEYS - len(VOICECTL_KEYS) == 29
    assert set(VOICECTL_KEYS) <= set(metadata["properties"])  # none can be declared


def test_a_voice_with_the_most_keys_validate_allows_is_created(tmp_path: Path, emu: Emu) -> None:
    repo = make_repo(tmp_path / "repo", owner="acme/voices")
    repo.env = emu.env()
    repo.voice("anna-en", metadata={f"k{n:02d}": n for n in range(29)})
    assert repo.run("validate").code == 0
    applied = repo.run("apply", "--yes")
    assert applied.code == 0 and "Converged." in applied.out, applied.text
    (record,) = emu.clones("anna-en")
    assert len(record["metadata"]) == METADATA_MAX_KEYS
    assert repo.run("plan").out == "No changes. 1 voice up to date.\n"
