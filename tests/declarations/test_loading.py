"""load_declarations: values, cross-file rules, selection, texts, project file (B3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.declarations.loading import (
    load_declarations,
    load_declarations_from_texts,
    load_project,
)
from reconciler.model.errors import DeclarationError, Location
from reconciler.model.values import FileId
from tests.support.clirig import Repo


def _errors(repo: Repo, paths: list[Path] | None = None) -> list[str]:
    with pytest.raises(DeclarationError) as caught:
        load_declarations(repo.root, paths)
    return [str(d) for d in caught.value.diagnostics]


def test_declarations_are_values_sorted_by_alias(repo: Repo) -> None:
    repo.wav("voices/audio/b1.wav", 2.0)
    repo.wav("voices/audio/a1.wav", 3.0)
    repo.write_voice(
        "zeta", "bob-en", ["audio/b1.wav", "file_id: 6F1D2C1E-8A4B-4F7E-9A51-2A3E0C9D7B10"]
    )
    repo.write_voice("nested/alpha", "anna-en", ["../audio/*.wav"], "metadata:\n  gender: female\n")
    result = load_declarations(repo.root, cache_dir=repo.root / ".voicectl")
    assert [v.alias for v in result.voices] == ["anna-en", "bob-en"]
    anna, bob = result.voices
    assert anna.source == Location("voices/nested/alpha.yaml", 2, 8)
    assert [f.path for f in anna.files] == ["voices/audio/a1.wav", "voices/audio/b1.wav"]
    assert anna.files[0].location == Location("voices/nested/alpha.yaml", 6, 5)
    assert anna.metadata == {"gender": "female"}
    assert anna.language == "en-GB"
    assert bob.files[1].file_id == FileId("6f1d2c1e-8a4b-4f7e-9a51-2a3e0c9d7b10")
    assert bob.files[0].audio is not None and bob.files[0].audio.duration_s == 2.0
    assert (repo.root / ".voicectl" / "audio-cache.json").is_file()
    assert result.warnings == ()


def test_duplicate_alias_reports_both_files(repo: Repo) -> None:
    repo.wav("voices/a.wav")
    repo.write_voice("one", "anna-en", ["a.wav"])
    repo.write_voice("two", "anna-en", ["a.wav"])
    assert _errors(repo) == [
        "voices/one.yaml:2:8: error: duplicate alias 'anna-en' (also declared at "
        "voices/two.yaml:2:8)\n  hint: aliases must be unique across the repository",
        "voices/two.yaml:2:8: error: duplicate alias 'anna-en' (also declared at "
        "voices/one.yaml:2:8)\n  hint: aliases must be unique across the repository",
    ]


def test_every_file_is_checked_before_raising(repo: Repo) -> None:
    repo.write_voice("one", "anna-en", ["missing.wav"])
    repo.write("voices/two.yaml", "alias: [\n")
    assert _errors(repo) == [
        "voices/one.yaml:6:5: error: file not found: voices/missing.wav\n"
        "  hint: paths are relative to the YAML file; check the spelling and the folder",
        "voices/two.yaml:2:1: error: invalid YAML: did not find expected node content",
    ]


def test_selected_paths_are_reported_but_the_whole_tree_is_read(repo: Repo) -> None:
    repo.wav("voices/a.wav")
    repo.write_voice("one", "anna-en", ["a.wav"])
    repo.write_voice("two", "anna-en", ["a.wav"])
    repo.write("voices/broken.yaml", "alias: [\n")
    assert _errors(repo, [repo.root / "voices/one.yaml"]) == [
        "voices/one.yaml:2:8: error: duplicate alias 'anna-en' (also declared at "
        "voices/two.yaml:2:8)\n  hint: aliases must be unique across the repository"
    ]
    repo.write_voice("two", "bob-en", ["a.wav"])
    result = load_declarations(repo.root, [repo.root / "voices/one.yaml"])
    assert [v.alias for v in result.voices] == ["anna-en"]


def test_selected_path_that_does_not_exist(repo: Repo) -> None:
    assert _errors(repo, [Path("voices/nope.yaml")]) == ["voices/nope.yaml: error: file not found"]


def test_replaces_rules(repo: Repo) -> None:
    repo.wav("voices/a.wav")
    repo.write_voice("old", "anna-old", ["a.wav"])
    repo.write_voice("new", "anna-new", ["a.wav"], "replaces: anna-old\n")
    repo.write_voice("self", "bob-en", ["a.wav"], "replaces: bob-en\n")
    assert _errors(repo) == [
        "voices/new.yaml:7:11: error: replaces 'anna-old', which is still declared at "
        "voices/old.yaml:2:8\n"
        "  hint: delete that declaration; the old voice then becomes an orphan",
        "voices/self.yaml:7:11: error: a voice cannot replace itself",
    ]


def test_missing_voices_directory(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    with pytest.raises(DeclarationError) as caught:
        load_declarations(tmp_path)
    assert [str(d) for d in caught.value.diagnostics] == [
        "voices: error: voices directory 'voices' not found\n"
        "  hint: create it, or set voices_dir in voicectl.yaml"
    ]


def test_project_file_sets_voices_dir_scope_and_targets(repo: Repo) -> None:
    repo.write(
        "voicectl.yaml",
        "owner: acme/voices\nvoices_dir: decl\nscope: ['acme-*']\n"
        "targets:\n  prod: {api_url: 'https://v2.api.audio'}\n",
    )
    repo.wav("decl/a.wav")
    repo.write(
        "decl/x.yaml",
        "version: 1\nalias: other\nengine: voice_engine_3\nlanguage: en\nfiles: [a.wav]\n"
        "targets: [prod, staging]\n",
    )
    project = load_project(repo.root)
    assert (project.owner, project.voices_dir, project.target_names) == (
        "acme/voices",
        "decl",
        ("prod",),
    )
    with pytest.raises(DeclarationError) as caught:
        load_declarations(repo.root, project=project)
    assert [str(d) for d in caught.value.diagnostics] == [
        "decl/x.yaml:2:8: error: alias 'other' is outside this repository's scope (acme-*)\n"
        "  hint: rename it or widen `scope:`",
        "decl/x.yaml:6:17: error: unknown target 'staging' (voicectl.yaml defines prod)",
    ]


def test_project_file_with_an_api_key_is_refused(repo: Repo) -> None:
    repo.write("voicectl.yaml", "owner: me\napi_key: sk-live-123\n")
    with pytest.raises(DeclarationError) as caught:
        load_project(repo.root)
    assert [str(d) for d in caught.value.diagnostics] == [
        "voicectl.yaml:2:1: error: api_key is not allowed in voicectl.yaml: "
        "use the AUDIOSTACK_API_KEY environment variable"
    ]


def test_project_voices_dir_may_not_leave_the_repository(repo: Repo) -> None:
    repo.write("voicectl.yaml", "voices_dir: ../elsewhere\n")
    with pytest.raises(DeclarationError) as caught:
        load_project(repo.root)
    assert [str(d) for d in caught.value.diagnostics] == [
        "voicectl.yaml:1:13: error: voices_dir '../elsewhere' points outside the repository"
    ]


def test_declarations_from_texts_use_the_current_tree_for_audio(repo: Repo) -> None:
    repo.wav("voices/a.wav", 2.0)
    text = "version: 1\nalias: anna-en\nengine: voice_engine_3\nlanguage: en\nfiles: [a.wav]\n"
    result = load_declarations_from_texts(repo.root, {"voices/base.yaml": text})
    assert [(v.alias, v.files[0].path) for v in result.voices] == [("anna-en", "voices/a.wav")]
    with pytest.raises(DeclarationError) as caught:
        load_declarations_from_texts(repo.root, {"voices/x.yaml": text, "voices/y.yaml": text})
    assert len(caught.value.diagnostics) == 2


def test_parallel_loading_gives_the_same_result(repo: Repo) -> None:
    repo.wav("voices/audio/a.wav", 2.0)
    for n in range(40):
        repo.write_voice(f"v{n:02d}", f"voice-{n:02d}", ["audio/a.wav"])
    cache = repo.root / ".voicectl"
    serial = load_declarations(repo.root, cache_dir=cache)
    (cache / "audio-cache.json").unlink()
    parallel = load_declarations(repo.root, cache_dir=cache, parallel_min=10)
    assert parallel == serial
    assert (cache / "audio-cache.json").is_file()
    repo.write_voice("v99", "voice-00", ["audio/a.wav"])
    with pytest.raises(DeclarationError) as caught:
        load_declarations(repo.root, parallel_min=10)
    assert len(caught.value.diagnostics) == 2


def test_missing_voices_dir_named_in_voicectl_yaml_points_at_its_line(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "voicectl.yaml").write_text("owner: acme/voices\nvoices_dir: nope\n")
    with pytest.raises(DeclarationError) as caught:
        load_declarations(tmp_path)
    assert [str(d) for d in caught.value.diagnostics] == [
        "voicectl.yaml:2:13: error: voices directory 'nope' not found\n"
        "  hint: create it, or set voices_dir in voicectl.yaml"
    ]
