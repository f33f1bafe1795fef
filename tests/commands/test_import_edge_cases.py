"""QA regressions in `voicectl import`: --all on a partly declared fleet, twice in a row,
next to a `replaces:`, and remote text with invisible characters written visibly."""

from __future__ import annotations

from pathlib import Path

from reconciler.declarations.importer import render_declaration
from reconciler.declarations.yamlsrc import LocatedDoc, read_yaml
from reconciler.model.values import Alias, CloneId, FileId, RemoteClone
from tests.support.clifixtures import embedded
from tests.support.clirig import Repo, voice_yaml

repo = embedded  # this module runs on the embedded emulator, not the served one


def _second_voice(repo: Repo) -> None:
    repo.write("voices/beta.yaml", voice_yaml("beta-en", "audio/a2.wav"))
    assert repo.run("apply", "--yes").code == 0


def test_import_all_skips_declared_voices_and_imports_the_rest(repo: Repo) -> None:
    _second_voice(repo)
    (repo.root / "voices/beta.yaml").unlink()  # beta-en now exists only remotely
    run = repo.run("import", "--all")
    assert run.code == 0, run.err
    assert run.err.splitlines()[1:] == [
        "skipped alpha-en: already declared in voices/alpha.yaml",
        "imported beta-en → voices/beta-en.yaml",
    ]
    assert repo.run("plan").out == "No changes. 2 voices up to date.\n"


def test_import_all_twice_is_a_no_op_the_second_time(repo: Repo) -> None:
    assert repo.run("apply", "--yes").code == 0
    (repo.root / "voices/alpha.yaml").unlink()
    assert repo.run("import", "--all").code == 0
    again = repo.run("import", "--all")
    assert again.code == 0
    assert again.err.splitlines()[-1] == (
        "nothing to import: every remote clone is already declared"
    )


def test_import_all_leaves_a_replaced_voice_alone(repo: Repo) -> None:
    assert repo.run("apply", "--yes").code == 0
    (repo.root / "voices/alpha.yaml").unlink()
    repo.write(
        "voices/alpha2.yaml",
        voice_yaml("alpha2-en", "audio/a1.wav", "audio/a2.wav", extra="replaces: alpha-en\n"),
    )
    assert repo.run("apply", "--yes").code == 0
    run = repo.run("import", "--all")
    assert run.code == 0
    assert "skipped alpha-en: already declared in voices/alpha2.yaml (as `replaces: alpha-en`)" in (
        run.err
    )
    assert not (repo.root / "voices/alpha-en.yaml").exists()
    named = repo.run("import", "alpha-en")
    assert named.code == 1
    assert named.err.splitlines()[-1] == (
        "error: alpha-en is already declared in voices/alpha2.yaml (as `replaces: alpha-en`)"
    )


def test_imported_metadata_shows_invisible_characters_as_escapes(tmp_path: Path) -> None:
    tricky = {"note": "a\x85b\x9bc\u202ed\u200b", "emoji": "🎤 é", "\u202ekey": "v"}
    record = RemoteClone(
        clone_id=CloneId("c-1"),
        alias=Alias("tricky-en"),
        engine="voice_engine_3",
        status="succeeded",
        files_used=(FileId("6f1d2c1e-8a4b-4f7e-9a51-2a3e0c9d7b10"),),
        metadata={"languageCode": "en-GB", **tricky},
    )
    text = render_declaration(record, schema_path="../schemas/voice.schema.json")
    assert '  note: "a\\u0085b\\u009bc\\u202ed\\u200b"' in text
    assert '  emoji: "🎤 é"' in text
    assert '  "\\u202ekey": "v"' in text
    assert all(c.isprintable() or c == "\n" for c in text)
    path = tmp_path / "tricky.yaml"
    path.write_text(text, encoding="utf-8")
    doc = read_yaml(
        path, "voices/tricky.yaml", tmp_path.resolve()
    )  # the strict loader validate uses
    assert isinstance(doc, LocatedDoc)
    assert doc.data["metadata"] == tricky
