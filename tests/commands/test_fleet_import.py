"""`voicectl import` on a shared organisation: import then plan is empty, unknown aliases
are named, files are never overwritten silently, another team's voice stays blocked."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.clirig import Emu, Repo, seed_outside

Team = Callable[..., Repo]


def test_import_then_plan_is_empty_and_costs_nothing(team: Team, emu: Emu) -> None:
    studio = team("acme/studio")  # where the audio came from (the UI, another tool…)
    studio.voice("anna-en")
    studio.voice("bob-de")
    studio.voice("carl-fr")
    meta = {"gender": "female", "age": 42, "pitch": 1.5, "warm": True, "note": "Grüße, ½ tone"}
    seed_outside(emu, studio, "anna-en", metadata=meta)
    seed_outside(emu, studio, "bob-de", language=None)  # made without a languageCode
    seed_outside(emu, studio, "carl-fr", metadata={"managed_by": "voicectl:acme/voices"})
    repo = team("acme/voices")
    imported = repo.run("import", "--all")
    assert (imported.code, imported.out) == (0, "")
    assert imported.err.splitlines()[1:] == [
        "imported anna-en → voices/anna-en.yaml",
        "imported bob-de → voices/bob-de.yaml",
        "imported carl-fr → voices/carl-fr.yaml",
    ]
    assert repo.run("validate").code == 0
    emu.clear_requests()
    plan = repo.run("plan", "--detailed-exitcode", "--detail", "full")
    assert (plan.code, plan.out) == (
        0,
        "  = adopt     anna-en  matches the declaration; not stamped by voicectl\n"
        "  = adopt     bob-de   matches the declaration; not stamped by voicectl\n"
        "  · noop      carl-fr  up to date\n"
        "No changes. 1 voice up to date; 2 to adopt.\n",
    )
    assert emu.methods() == {"GET"}


def test_import_writes_file_ids_metadata_and_the_schema_modeline(team: Team, emu: Emu) -> None:
    studio = team("acme/studio")
    studio.voice("anna-en")
    record = seed_outside(emu, studio, "anna-en", metadata={"gender": "female", "age": 42})
    repo = team("acme/voices")
    assert repo.run("import", "anna-en").code == 0
    text = (repo.root / "voices" / "anna-en.yaml").read_text(encoding="utf-8")
    ids = sorted(record["filesUsed"])
    assert text == (
        "# yaml-language-server: $schema=../schemas/voice.schema.json\n"
        f"# imported from AudioStack clone {record['cloneId']} by `voicectl import`\n"
        "version: 1\n"
        'alias: "anna-en"\n'
        'engine: "voice_engine_3"\n'
        'language: "en-GB"\n'
        "files:\n"
        f'  - file_id: "{ids[0]}"\n'
        f'  - file_id: "{ids[1]}"\n'
        "metadata:\n"
        "  age: 42\n"
        '  gender: "female"\n'
    )


def test_importing_an_unknown_alias_fails_naming_it_and_writes_nothing(
    team: Team, emu: Emu
) -> None:
    studio = team("acme/studio")
    studio.voice("anna-en")
    seed_outside(emu, studio, "anna-en")
    repo = team("acme/voices")
    outcome = repo.run("import", "anna-en", "ghost-en", "phantom")
    assert (outcome.code, outcome.out) == (1, "")
    assert outcome.err.splitlines()[-1] == "error: no remote clone named 'ghost-en', 'phantom'"
    assert list((repo.root / "voices").iterdir()) == []


def test_import_never_overwrites_without_force(team: Team, emu: Emu) -> None:
    studio = team("acme/studio")
    studio.voice("anna-en")
    studio.voice("bob-en")
    seed_outside(emu, studio, "anna-en")
    seed_outside(emu, studio, "bob-en")
    repo = team("acme/voices")
    mine = repo.write("voices/bob-en.yaml", "# my own notes\n")
    outcome = repo.run("import", "--all")
    assert outcome.code == 1
    assert outcome.err.splitlines()[-1] == (
        "error: voices/bob-en.yaml already exists: use --force to overwrite it"
    )
    # checked before writing anything: anna-en was not imported either
    assert sorted(p.name for p in (repo.root / "voices").iterdir()) == ["bob-en.yaml"]
    assert mine.read_text(encoding="utf-8") == "# my own notes\n"
    assert repo.run("import", "--all", "--force").code == 0
    assert 'alias: "bob-en"' in mine.read_text(encoding="utf-8")


def test_import_refuses_an_alias_declared_in_another_file(team: Team, emu: Emu) -> None:
    studio = team("acme/studio")
    studio.voice("anna-en")
    seed_outside(emu, studio, "anna-en")
    repo = team("acme/voices")
    repo.voice("anna-en", name="team/anna")
    outcome = repo.run("import", "anna-en", "--force")
    assert outcome.code == 1
    assert outcome.err.splitlines()[-1] == (
        "error: anna-en is already declared in voices/team/anna.yaml"
    )
    assert not (repo.root / "voices" / "anna-en.yaml").exists()


def test_importing_another_teams_voice_does_not_adopt_it_silently(team: Team, emu: Emu) -> None:
    other = team("acme/other")
    other.voice("anna-en")
    assert other.run("apply", "--yes").code == 0
    repo = team("acme/voices")
    assert repo.run("import", "anna-en").code == 0
    imported = (repo.root / "voices" / "anna-en.yaml").read_text(encoding="utf-8")
    assert imported.endswith("# remote marker: managed_by voicectl:acme/other\n")
    plan = repo.run("plan", "--detailed-exitcode")
    assert (plan.code, plan.out) == (
        4,
        "  ! blocked   anna-en  would adopt: stamped by voicectl:acme/other\n"
        "              blocked: stamped by voicectl:acme/other; add `adopt: force` to adopt it\n"
        "Plan blocked: 1 blocked, 0 unchanged. Blocked by policy. Nothing will be written.\n",
    )


def test_import_all_fails_when_the_api_refuses_to_list_every_clone(team: Team, emu: Emu) -> None:
    studio = team("acme/studio")
    studio.voice("anna-en")
    seed_outside(emu, studio, "anna-en")
    repo = team("acme/voices")
    emu.fault(method="GET", route="/speech/voice-cloning", status=400, times=1)
    outcome = repo.run("import", "--all")
    assert outcome.code == 1
    assert outcome.err.splitlines()[-1] == (
        "error: the API refused to list every clone: name the aliases"
    )
    assert list((repo.root / "voices").iterdir()) == []
    assert repo.run("import", "anna-en").code == 0  # naming them works
