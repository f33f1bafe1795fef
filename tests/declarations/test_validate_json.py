"""`voicectl validate --format json`: one document on stdout in the shape of
schemas/validate.schema.json (printed by `voicectl schema validate`), exit 0 or 1."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from jsonschema import Draft202012Validator

from tests.support.clirig import CliRun, Repo

Run = Callable[..., CliRun]


def _checked(run_cli: Run, repo: Repo, *argv: str) -> tuple[int, dict[str, Any]]:
    outcome = run_cli("validate", "--format", "json", *argv, cwd=repo.root)
    assert outcome.err == ""  # nothing but the document
    data = json.loads(outcome.out)
    schema = json.loads(run_cli("schema", "validate", cwd=repo.root).out)
    Draft202012Validator.check_schema(schema)
    assert list(Draft202012Validator(schema).iter_errors(data)) == []
    return outcome.code, data


def test_a_valid_tree_lists_its_voices(repo: Repo, run_cli: Run) -> None:
    repo.wav("voices/a.wav")
    repo.wav("voices/b.wav")
    repo.write_voice("bob", "bob-en", ["b.wav"])
    repo.write_voice("anna", "anna-en", ["a.wav", "b.wav"])
    code, data = _checked(run_cli, repo)
    assert code == 0
    assert data == {
        "format_version": 1,
        "valid": True,
        "summary": {"voices": 2, "errors": 0, "warnings": 0},
        "voices": [
            {
                "alias": "anna-en",
                "engine": "voice_engine_3",
                "language": "en-GB",
                "path": "voices/anna.yaml",
                "files": 2,
            },
            {
                "alias": "bob-en",
                "engine": "voice_engine_3",
                "language": "en-GB",
                "path": "voices/bob.yaml",
                "files": 1,
            },
        ],
        "diagnostics": [],
    }


def test_errors_are_located_with_hints_and_fail(repo: Repo, run_cli: Run) -> None:
    repo.write_voice("b", "bob-en", ["missing.wav"])
    repo.write("voices/a.yaml", "version: 1\nalias: anna\nengine: voice_engine_9\nlanguage: en\n")
    code, data = _checked(run_cli, repo)
    assert code == 1
    assert (data["valid"], data["summary"], data["voices"]) == (
        False,
        {"voices": 0, "errors": 3, "warnings": 0},
        [],
    )
    assert [(d["path"], d["line"], d["col"], d["severity"]) for d in data["diagnostics"]] == [
        ("voices/a.yaml", 1, 1, "error"),
        ("voices/a.yaml", 3, 9, "error"),
        ("voices/b.yaml", 6, 5, "error"),
    ]
    missing = data["diagnostics"][2]
    assert (missing["message"], missing["hint"]) == (
        "file not found: voices/missing.wav",
        "paths are relative to the YAML file; check the spelling and the folder",
    )
