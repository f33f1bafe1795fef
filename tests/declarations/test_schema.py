"""Schemas as files (editor-friendly, draft-07 compatible) and schema errors as located
diagnostics (reliability.md B2, B4, B6, B7)."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from reconciler.declarations.schemacheck import (
    check_document,
    load_schema,
)
from reconciler.declarations.yamlsrc import LocatedDoc, parse_yaml
from reconciler.model.enginetable import ENGINE_NAMES

GOOD = """\
version: 1
alias: anna-en
engine: voice_engine_3
language: en-GB
files:
  - audio/a.wav
"""


def _errors(text: str, kind: str = "voice") -> list[str]:
    doc = parse_yaml(text, "voices/a.yaml")
    assert isinstance(doc, LocatedDoc), str(doc)
    return [str(d) for d in check_document(kind, doc)]


def _properties(schema: Any) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    if isinstance(schema, dict):
        for name, sub in schema.get("properties", {}).items():
            found.append((name, sub))
        for value in schema.values():
            found.extend(_properties(value))
    elif isinstance(schema, list):
        for item in schema:
            found.extend(_properties(item))
    return found


@pytest.mark.parametrize("kind", ["voice", "project"])
def test_schema_is_valid_in_draft_2020_12_and_draft_07(kind: str) -> None:
    schema = load_schema(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "$id" not in schema
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft7Validator.check_schema(schema)
    text = json.dumps(schema)
    for keyword in ("prefixItems", "unevaluatedProperties", "$dynamicRef", "dependentRequired"):
        assert keyword not in text


@pytest.mark.parametrize("kind", ["voice", "project"])
def test_every_property_has_a_description(kind: str) -> None:
    missing = [name for name, sub in _properties(load_schema(kind)) if "description" not in sub]
    assert missing == []


def test_engine_enum_matches_the_engine_table() -> None:
    assert tuple(load_schema("voice")["properties"]["engine"]["enum"]) == ENGINE_NAMES


def test_valid_declaration_has_no_errors() -> None:
    assert _errors(GOOD) == []


def test_unknown_field_suggests_the_close_name() -> None:
    text = GOOD.replace("engine:", "enigne:")
    assert _errors(text) == [
        "voices/a.yaml:1:1: error: missing required field 'engine'",
        "voices/a.yaml:3:1: error: unknown field 'enigne'\n  hint: did you mean engine?",
    ]


def test_unknown_engine_lists_the_allowed_ones() -> None:
    assert _errors(GOOD.replace("voice_engine_3", "voice_engine_9")) == [
        "voices/a.yaml:3:9: error: unknown engine 'voice_engine_9' "
        "(expected voice_engine_2, voice_engine_3)"
    ]


def test_boolean_alias_gets_a_quote_it_hint() -> None:
    assert _errors(GOOD.replace("alias: anna-en", "alias: true")) == [
        "voices/a.yaml:2:8: error: alias must be a string, not a boolean (true)\n"
        '  hint: quote it: alias: "true"'
    ]


def test_numeric_alias_gets_a_quote_it_hint() -> None:
    assert _errors(GOOD.replace("alias: anna-en", "alias: 1234")) == [
        "voices/a.yaml:2:8: error: alias must be a string, not a number (1234)\n"
        '  hint: quote it: alias: "1234"'
    ]


def test_yaml11_words_stay_strings() -> None:
    text = GOOD.replace("alias: anna-en", "alias: no").replace("language: en-GB", "language: on")
    doc = parse_yaml(text, "voices/a.yaml")
    assert isinstance(doc, LocatedDoc)
    assert (doc.data["alias"], doc.data["language"]) == ("no", "on")


def test_version_1_10_is_reported_as_written() -> None:
    assert _errors(GOOD.replace("version: 1", "version: 1.10")) == [
        "voices/a.yaml:1:10: error: unsupported version 1.10 (expected 1)\n"
        "  hint: write `version: 1`"
    ]


@pytest.mark.parametrize(
    ("alias", "shown"),
    [
        ('"ab\\ncd"', "'ab\\ncd'"),
        ('"ab\\ecd"', "'ab\\x1bcd'"),
        ('"ab\\u202ecd"', "'ab\\u202ecd'"),
        ("-anna", "'-anna'"),
        ("a" * 300, "'" + "a" * 79 + "…'"),
        ('"anna\\n"', "'anna\\n'"),
    ],
)
def test_alias_pattern_rejects_hostile_names(alias: str, shown: str) -> None:
    assert _errors(GOOD.replace("alias: anna-en", f"alias: {alias}")) == [
        f"voices/a.yaml:2:8: error: invalid alias {shown}\n"
        "  hint: use 2 to 64 lowercase letters, digits, '-' or '_', starting with a letter or digit"
    ]


def test_missing_required_field_points_at_the_mapping() -> None:
    assert _errors("# hi\nversion: 1\nalias: anna\nengine: voice_engine_3\nlanguage: en\n") == [
        "voices/a.yaml:2:1: error: missing required field 'files'"
    ]


def test_reserved_metadata_key_points_at_the_key() -> None:
    text = GOOD + "metadata:\n  managed_by: me\n  gender: 3\n"
    assert _errors(text) == [
        "voices/a.yaml:8:3: error: metadata key 'managed_by' is reserved for voicectl\n"
        "  hint: remove it; voicectl stamps voicectl:<owner> itself"
    ]


def test_metadata_values_must_be_scalars() -> None:
    assert _errors(GOOD + "metadata:\n  tags: [a, b]\n") == [
        "voices/a.yaml:8:9: error: metadata.tags must be a string, a number or true or false, "
        "not a list"
    ]


def test_metadata_limits_name_their_numbers() -> None:
    long_key = "k" * 65
    text = GOOD + f"metadata:\n  {long_key}: v\n  note: {'x' * 257}\n  flag: null\n"
    assert _errors(text) == [
        "voices/a.yaml:8:3: error: metadata keys must be 1 to 64 characters",
        "voices/a.yaml:9:9: error: metadata.note is 257 characters long (at most 256 allowed)",
        "voices/a.yaml:10:9: error: metadata.flag must be a string, a number or true or false, "
        'not empty (null)\n  hint: quote it: flag: "null"',
    ]
    many = "".join(f"  k{n}: v\n" for n in range(30))
    assert _errors(GOOD + "metadata:\n" + many) == [
        "voices/a.yaml:8:3: error: metadata has 30 keys (at most 29 allowed)\n"
        "  hint: the server keeps at most 32 keys and voicectl adds 3 (languageCode, "
        "managed_by, voicectl_files): remove some keys"
    ]
    assert _errors(GOOD + "metadata:\n" + many.split("  k29")[0]) == []


def test_voicectl_files_is_reserved_like_managed_by() -> None:
    assert _errors(GOOD + "metadata:\n  voicectl_files: v1:abc\n") == [
        "voices/a.yaml:8:3: error: metadata key 'voicectl_files' is reserved for voicectl\n"
        "  hint: remove it; voicectl stamps the fingerprint of the submitted files itself"
    ]


def test_file_entry_with_bad_uuid_is_reported_precisely() -> None:
    text = GOOD + "  - file_id: not-a-uuid\n  - 42\n"
    assert _errors(text) == [
        "voices/a.yaml:7:14: error: file_id 'not-a-uuid' is not a UUID",
        "voices/a.yaml:8:5: error: each entry of files must be a relative path or "
        "{file_id: <uuid>}",
    ]


def test_empty_document_and_non_mapping() -> None:
    assert _errors("") == [
        "voices/a.yaml:1:1: error: the file is empty\n  hint: see schemas/voice.schema.json"
    ]
    assert _errors("- a\n") == [
        "voices/a.yaml:1:1: error: the document must be a mapping of fields, not a list"
    ]


def test_project_api_key_is_refused_anywhere() -> None:
    text = "owner: acme/voices\napi_key: sk-123\ntargets:\n  prod:\n    api_key: sk-1\n"
    message = (
        "error: api_key is not allowed in voicectl.yaml: "
        "use the AUDIOSTACK_API_KEY environment variable"
    )
    assert _errors(text, "project") == [
        f"voices/a.yaml:2:1: {message}",
        f"voices/a.yaml:5:5: {message}",
    ]
