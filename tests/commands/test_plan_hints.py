"""Hints that say how: a renamed alias (create + orphan with the same audio) says
`replaces:`, and a change blocked by `protect: true` says how to retire the voice."""

from __future__ import annotations

from tests.support.clirig import RIG_QUALITY, Repo

RENAME_HINT = (
    "              hint: same audio as anna-en, which is no longer declared: if this is a "
    "rename, add `replaces: anna-en` to voices/anna-gb.yaml (the API cannot rename a clone; "
    "a new clone is still created and anna-en becomes an orphan)"
)


def _rename(repo: Repo) -> None:
    path = repo.root / "voices" / "anna-en.yaml"
    text = path.read_text(encoding="utf-8").replace("alias: anna-en", "alias: anna-gb")
    path.unlink()
    repo.write("voices/anna-gb.yaml", text)


def test_a_renamed_alias_plans_create_and_orphan_with_a_hint_naming_replaces(repo: Repo) -> None:
    repo.voice("anna-en")
    repo.voice("bob-en")
    repo.commit("voices")
    assert repo.run("apply", "--yes").code == 0
    _rename(repo)
    plan = repo.run("plan")
    assert plan.code == 0
    assert plan.out == (
        "  - orphan    anna-en  no longer declared; the API cannot delete it, so nothing happens\n"
        "              hint: declared again as anna-gb? add `replaces: anna-en` to "
        "voices/anna-gb.yaml\n"
        "  + create    anna-gb  voice_engine_3, 2 files (2 already uploaded), 4.0 s, 300 credits\n"
        f"{RENAME_HINT}\n"
        f"{RIG_QUALITY}"
        "Plan: 1 to create (300 credits), 1 orphaned, 1 unchanged. Balance after: 9,100 credits.\n"
    )
    # said as advised, the hint is gone: a replace, and the old voice becomes an orphan
    path = repo.root / "voices" / "anna-gb.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "replaces: anna-en\n", encoding="utf-8")
    plan = repo.run("plan")
    assert plan.code == 0 and "hint:" not in plan.out
    assert "-/+ replace   anna-gb" in plan.out


def test_new_audio_under_a_new_alias_is_no_rename(repo: Repo) -> None:
    repo.voice("anna-en")
    repo.commit("voices")
    assert repo.run("apply", "--yes").code == 0
    (repo.root / "voices" / "anna-en.yaml").unlink()
    repo.voice("carl-en")  # other recordings: nothing suggests a rename
    plan = repo.run("plan")
    assert plan.code == 0 and "hint:" not in plan.out


def _protected(repo: Repo) -> None:
    repo.voice("anna-en", extra="protect: true\n")
    repo.voice("bob-en")
    repo.commit("voices")
    assert repo.run("apply", "--yes").code == 0


def test_deleting_a_protected_voice_in_a_pull_request_says_how_to_retire_it(repo: Repo) -> None:
    _protected(repo)
    repo.git("rm", "-q", "voices/anna-en.yaml")
    plan = repo.run("plan", "--base", "HEAD")
    assert plan.code == 4
    assert plan.out.splitlines()[1:4] == [
        "  ! blocked   anna-en  would orphan: no longer declared; the API cannot delete it, "
        "so nothing happens",
        "              blocked: protected voice anna-en: its declaration was deleted "
        "(protect: true)",
        "              hint: to retire anna-en on purpose, first merge a change that removes "
        "`protect: true` from it, then delete its declaration in a second pull request",
    ]


def test_replacing_a_protected_voice_says_how(repo: Repo) -> None:
    _protected(repo)
    repo.git("rm", "-q", "voices/anna-en.yaml")
    repo.voice("anna-gb", extra="replaces: anna-en\n")
    plan = repo.run("plan", "--base", "HEAD")
    assert plan.code == 4
    lines = plan.out.splitlines()
    start = lines.index(
        "  ! blocked   anna-gb  would replace: voice_engine_3, 2 files, 4.0 s, 300 credits"
    )
    assert lines[start + 1 : start + 4] == [
        "              blocked: replaces protected voice anna-en",
        "              replaces anna-en; anna-en becomes an orphan",
        "              hint: to replace anna-en on purpose, first merge a change that removes "
        "`protect: true` from it, then add `replaces: anna-en` in a second pull request",
    ]


def test_changing_the_audio_of_a_protected_voice_says_to_revert_or_use_a_new_alias(
    repo: Repo,
) -> None:
    _protected(repo)
    repo.wav("voices/audio/anna-en/take-09.wav")  # a third take joins the glob
    plan = repo.run("plan", "--base", "HEAD")
    assert plan.code == 4
    assert "              blocked: protected voice anna-en: engine or files changed" in plan.out
    assert (
        "              hint: `protect: true` keeps the engine and files of anna-en: revert "
        "them, or declare the new audio under a new alias\n"
    ) in plan.out
