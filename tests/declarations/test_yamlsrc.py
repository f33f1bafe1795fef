"""Strict YAML loading: types, duplicate keys, hostile input (reliability.md B1, B8, S1–S4)."""

from __future__ import annotations

import time
from pathlib import Path

from reconciler.declarations.yamlsrc import LocatedDoc, parse_yaml, read_yaml
from reconciler.model.errors import Diagnostic, Location


def _load(text: str | bytes) -> LocatedDoc:
    doc = parse_yaml(text, "voices/a.yaml")
    assert isinstance(doc, LocatedDoc), str(doc)
    return doc


def _fail(text: str | bytes) -> str:
    found = parse_yaml(text, "voices/a.yaml")
    assert isinstance(found, Diagnostic)
    return str(found)


def test_only_true_and_false_are_booleans() -> None:
    doc = _load("a: NO\nb: on\nc: yes\nd: true\ne: FALSE\nf: Off\n")
    assert doc.data == {"a": "NO", "b": "on", "c": "yes", "d": True, "e": False, "f": "Off"}


def test_timestamps_sexagesimal_and_octal_stay_strings() -> None:
    doc = _load("a: 2024-01-02\nb: 12:30\nc: 0755\nd: 0x1F\ne: 1_000\nf: .inf\n")
    assert doc.data == {
        "a": "2024-01-02",
        "b": "12:30",
        "c": "0755",
        "d": "0x1F",
        "e": "1_000",
        "f": ".inf",
    }


def test_numbers_and_null_resolve_and_keep_their_source_text() -> None:
    doc = _load("version: 1.10\nn: -3\nx: ~\ny: 2e3\n")
    assert doc.data == {"version": 1.1, "n": -3, "x": None, "y": 2000.0}
    assert doc.raw[("version",)] == "1.10"


def test_merge_key_is_an_ordinary_string_key() -> None:
    assert _load("<<: {a: 1}\n").data == {"<<": {"a": 1}}


def test_locate_returns_one_based_positions_of_keys_and_values() -> None:
    doc = _load("# comment\nalias: anna\nfiles:\n  - a.wav\n  - file_id: x\n")
    assert doc.locate(("alias",)) == Location("voices/a.yaml", 2, 8)
    assert doc.locate(("alias",), key=True) == Location("voices/a.yaml", 2, 1)
    assert doc.locate(("files", 1, "file_id")) == Location("voices/a.yaml", 5, 14)
    assert doc.locate(("files", 7)) == Location("voices/a.yaml", 4, 3)  # nearest ancestor


def test_duplicate_key_names_both_lines_and_keeps_the_first_value() -> None:
    doc = _load("version: 1\nalias: a\nengine: x\nalias: b\n")
    assert doc.data == {"version": 1, "alias": "a", "engine": "x"}
    assert [str(p) for p in doc.problems] == [
        "voices/a.yaml:4:1: error: duplicate key 'alias' (first defined on line 2)\n"
        "  hint: remove one of them"
    ]


def test_syntax_error_is_located() -> None:
    assert _fail("alias: anna\nfiles: [a.wav\n") == (
        "voices/a.yaml:3:1: error: invalid YAML: did not find expected ',' or ']'"
    )


def test_unquoted_glob_starting_with_star_gets_a_hint() -> None:
    assert _fail("files:\n  - *.wav\n") == (
        "voices/a.yaml:2:6: error: invalid YAML: did not find expected alphabetic or numeric "
        'character\n  hint: quote values that start with "*"'
    )


def test_anchor_is_rejected() -> None:
    assert _fail("a: &x 1\nb: 2\n") == (
        "voices/a.yaml:1:4: error: anchors (&name) are not allowed\n"
        "  hint: write the value out in full"
    )


def test_alias_bomb_is_rejected_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    bomb = "\n".join(lines) + "\n"
    start = time.perf_counter()
    message = _fail(bomb)
    assert time.perf_counter() - start < 0.05
    assert message.startswith("voices/a.yaml:1:4: error: anchors (&name) are not allowed")


def test_thirty_thousand_brackets_fail_cleanly() -> None:
    assert _fail("[" * 30_000) == (
        "voices/a.yaml:1:1001: error: invalid YAML: exceeded maximum nesting depth"
    )


def test_nesting_deeper_than_32_is_rejected() -> None:
    assert _fail("- " * 40 + "x\n") == "voices/a.yaml:1:65: error: nesting is deeper than 32 levels"


def test_more_than_ten_thousand_nodes_is_rejected() -> None:
    assert _fail("".join(f"- {i}\n" for i in range(10_001))) == (
        "voices/a.yaml:10000:3: error: document has more than 10,000 nodes"
    )


def test_file_over_256_kib_is_rejected_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (10 * 1024 * 1024))
    found = read_yaml(big, "voices/big.yaml", tmp_path.resolve())
    assert str(found) == (
        "voices/big.yaml:1:1: error: file is too large (10,485,763 bytes; the limit is 256 KiB)"
        "\n  hint: split it into smaller files"
    )


def test_python_tags_are_rejected() -> None:
    assert _fail("!!python/object/apply:os.system ['echo hi']\n") == (
        "voices/a.yaml:1:1: error: tag !!python/object/apply:os.system is not allowed"
    )
    assert _fail("a: !!binary aGk=\n") == "voices/a.yaml:1:4: error: tag !!binary is not allowed"


def test_explicit_tags_that_change_the_type_are_rejected() -> None:
    assert _fail("a: !!bool yes\n") == (
        "voices/a.yaml:1:4: error: explicit tag !!bool is not allowed\n"
        "  hint: write the value plainly"
    )
    assert _load("a: !!str 5\n").data == {"a": "5"}


def test_non_string_keys_are_rejected() -> None:
    assert _fail("true: 1\n") == (
        "voices/a.yaml:1:1: error: mapping key 'true' is not a string\n  hint: quote it: \"true\""
    )
    assert _fail("? [a]\n: 1\n") == "voices/a.yaml:1:3: error: mapping keys must be plain strings"


def test_bom_and_crlf_are_accepted() -> None:
    doc = _load(b"\xef\xbb\xbfalias: anna\r\nengine: voice_engine_3\r\n")
    assert doc.data == {"alias": "anna", "engine": "voice_engine_3"}
    assert doc.locate(("engine",)) == Location("voices/a.yaml", 2, 9)


def test_invalid_utf8_is_a_clear_error() -> None:
    assert _fail(b"alias: anna\nlanguage: d\xe9\n") == (
        "voices/a.yaml:2:12: error: file is not valid UTF-8 (byte 0xe9)\n"
        "  hint: save the file as UTF-8"
    )


def test_control_characters_are_located() -> None:
    assert _fail("a: b\nc: \x1b[31m\n") == (
        "voices/a.yaml:2:4: error: invalid YAML: control characters are not allowed (#x001b)"
    )


def test_several_documents_are_rejected() -> None:
    assert (
        _fail("a: 1\n---\nb: 2\n")
        == "voices/a.yaml:2:1: error: invalid YAML: but found another document"
    )
