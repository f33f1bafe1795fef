"""JSON Schemas of voicectl files: finding them, compiled validators, located diagnostics.

`check_document(kind, doc)` returns every schema problem of a LocatedDoc as Diagnostics.
jsonschema is imported lazily: documents passing the hand-written fast path never need it.
No file discovery or cross-file rules here.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from reconciler.errors import Diagnostic, Location, Severity
from reconciler.yamlsrc import LocatedDoc, PathKey

KINDS = ("voice", "plan", "project")
_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "empty",
}


def schema_path(kind: str) -> Path:
    """The schema file: inside the wheel (reconciler/schemas) or the checkout's schemas/."""
    name = f"{kind}.schema.json"
    packaged = resources.files("reconciler") / "schemas" / name
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "schemas" / name


def schema_text(kind: str) -> str:
    """The schema as shipped (raises FileNotFoundError for a schema not installed)."""
    return schema_path(kind).read_text(encoding="utf-8")


@cache
def load_schema(kind: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(schema_text(kind))
    return result


@cache
def compiled_validator(kind: str) -> Any:
    """One compiled Draft 2020-12 validator per kind per process (libraries.md §2)."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(kind))


def check_document(kind: str, doc: LocatedDoc) -> list[Diagnostic]:
    """Every schema problem of `doc`, located; [] when valid."""
    if kind == "voice" and voice_shape_ok(doc.data):
        return []
    if doc.data is None:
        return [_diag(doc.locate(), "the file is empty", "see schemas/voice.schema.json")]
    found: list[Diagnostic] = []
    for error in compiled_validator(kind).iter_errors(doc.data):
        found.extend(_diagnostics(error, doc))
    return sorted(set(found), key=Diagnostic.sort_key)


def _diagnostics(error: Any, doc: LocatedDoc) -> Iterable[Diagnostic]:
    path: PathKey = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    validator, instance, limit = error.validator, error.instance, error.validator_value
    field = _field(path)
    if validator in ("oneOf", "anyOf"):
        # errors of the branches whose type matched say what is actually wrong
        deeper = [sub for sub in error.context if sub.validator != "type"]
        if deeper:
            from jsonschema.exceptions import best_match

            yield from _diagnostics(best_match(deeper), doc)
            return
    if validator == "additionalProperties" and isinstance(instance, dict):
        known = sorted(schema.get("properties", {}))
        for key in (k for k in instance if k not in schema.get("properties", {})):
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            tip = f"did you mean {close[0]}?" if close else f"expected one of: {', '.join(known)}"
            where = f" in {field}" if path else ""
            yield _diag(doc.locate((*path, key), key=True), f"unknown field '{key}'{where}", tip)
        return
    if validator == "required":
        match = re.match(r"^'(.+)' is a required property$", error.message)
        name = match.group(1) if match else str(limit)
        where = f" in {field}" if path else ""
        yield _diag(doc.locate(path), f"missing required field '{name}'{where}")
        return
    if validator == "propertyNames":
        yield _diag(
            doc.locate((*path, instance), key=True),
            _custom(schema, instance, None) or f"invalid key {_show(instance, None)} in {field}",
        )
        return
    raw = doc.raw.get(path)
    located = doc.locate(path, key=schema.get("x-at") == "key")
    if validator == "type":
        yield _type_error(located, field, instance, limit, raw=raw, path=path)
        return
    message = _custom(schema, instance, raw) or _generated(validator, field, instance, limit, error)
    hint = schema.get("x-hint")
    if raw is not None and hint is None and validator in ("pattern", "enum", "not"):
        hint = f'quote it: {path[-1]}: "{raw}"' if path and isinstance(path[-1], str) else None
    yield _diag(located, message, hint)


def _type_error(
    located: Location, field: str, instance: Any, expected: Any, *, raw: str | None, path: PathKey
) -> Diagnostic:
    wanted = [expected] if isinstance(expected, str) else list(expected)
    labels = [_TYPE_NAMES.get(w, w) for w in wanted]
    names = ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else labels[0]
    if path == ():
        return _diag(
            located, f"the document must be a mapping of fields, not {_describe(instance)}"
        )
    message = f"{field} must be {names}, not {_describe(instance)}"
    hint = None
    if "string" in wanted and raw is not None:
        key = path[-1]
        hint = f'quote it: {key}: "{raw}"' if isinstance(key, str) else f'quote it: - "{raw}"'
    elif "array" in wanted and isinstance(instance, str):
        hint = "write each entry on its own line starting with '- '"
    return _diag(located, message, hint)


def _generated(validator: str, field: str, instance: Any, limit: Any, error: Any) -> str:
    size = len(instance) if isinstance(instance, str | list | dict) else 0
    texts: dict[str, Callable[[], str]] = {
        "maxProperties": lambda: f"{field} has {size} keys (at most {limit} allowed)",
        "maxLength": lambda: f"{field} is {size} characters long (at most {limit} allowed)",
        "minLength": lambda: f"{field} must not be empty",
        "minItems": lambda: (
            f"{field} must have at least {limit} entr{'y' if limit == 1 else 'ies'}"
        ),
        "maxItems": lambda: f"{field} must have at most {limit} entries",
        "uniqueItems": lambda: f"{field} lists the same entry more than once",
        "minimum": lambda: f"{field} must be at least {limit}, not {_show(instance, None)}",
        "const": lambda: f"{field} must be {_show(limit, None)}, not {_show(instance, None)}",
        "enum": lambda: f"{field} must be one of {', '.join(map(str, limit))}",
        "pattern": lambda: f"invalid {field} {_show(instance, None)}",
    }
    make = texts.get(validator)
    return make() if make else f"{field}: {_show(error.message, None)[1:-1]}"


def _custom(schema: dict[str, Any], instance: Any, raw: str | None) -> str | None:
    template = schema.get("x-message")
    return template.format(value=_show(instance, raw)) if isinstance(template, str) else None


def _show(value: Any, raw: str | None) -> str:
    if raw is not None:
        return raw
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        text = repr(value if len(value) <= 80 else value[:79] + "…")
        return text
    if isinstance(value, int | float):
        return repr(value)
    return "a mapping" if isinstance(value, dict) else "a list"


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({'true' if value else 'false'})"
    if value is None:
        return "empty (null)"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return "a string"
    return "a mapping" if isinstance(value, dict) else "a list"


def _field(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the document"


def _diag(location: Location, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(location, Severity.ERROR, message, hint, code="schema")


def voice_shape_ok(data: Any) -> bool:
    """Hand-written check of the common valid shape; True only if the schema accepts it.

    Stricter than the schema wherever that is simpler; anything it rejects goes to
    jsonschema, which produces the real messages.
    """
    return _fast_checker()(data)


@cache
def _fast_checker() -> Callable[[Any], bool]:
    props = load_schema("voice")["properties"]
    defs = load_schema("voice")["$defs"]
    allowed = frozenset(props)
    required = frozenset(load_schema("voice")["required"])
    engines = frozenset(props["engine"]["enum"])
    alias = re.compile(defs["alias"]["pattern"]).fullmatch
    language = re.compile(props["language"]["pattern"]).fullmatch
    uuid = re.compile(defs["fileRef"]["properties"]["file_id"]["pattern"]).fullmatch
    ignore = re.compile(props["ignore"]["items"]["pattern"]).fullmatch
    target = re.compile(props["targets"]["items"]["pattern"]).fullmatch
    reserved = frozenset(props["metadata"]["properties"])

    def ref_ok(item: Any) -> bool:
        if type(item) is str:
            return 0 < len(item) <= 1024
        return type(item) is dict and item.keys() == {"file_id"} and _str_ok(item["file_id"], uuid)

    def meta_ok(meta: Any) -> bool:
        if type(meta) is not dict or len(meta) > 32 or not reserved.isdisjoint(meta):
            return False
        for key, value in meta.items():
            kind = type(value)
            if not 0 < len(key) <= 64 or kind not in (str, int, float, bool):
                return False
            if kind is str and len(value) > 256:
                return False
        return True

    def check(d: Any) -> bool:
        if type(d) is not dict or not required <= d.keys() or not allowed >= d.keys():
            return False
        files = d["files"]
        ok = (
            type(d["version"]) is int
            and d["version"] == 1
            and _str_ok(d["alias"], alias)
            and type(d["engine"]) is str
            and d["engine"] in engines
            and _str_ok(d["language"], language)
            and len(d["language"]) <= 35
            and type(files) is list
            and len(files) > 0
            and all(ref_ok(item) for item in files)
        )
        if not ok or len(d) == len(required):
            return ok
        return (
            ("consent" not in d or ref_ok(d["consent"]))
            and ("metadata" not in d or meta_ok(d["metadata"]))
            and all(type(d[k]) is bool for k in ("protect", "strict_files") if k in d)
            and ("ignore" not in d or _list_ok(d["ignore"], ignore, empty=True))
            and ("replaces" not in d or _str_ok(d["replaces"], alias))
            and ("adopt" not in d or d["adopt"] == "force")
            and ("targets" not in d or _list_ok(d["targets"], target, empty=False))
        )

    return check


def _str_ok(value: Any, fullmatch: Callable[[str], Any]) -> bool:
    return type(value) is str and fullmatch(value) is not None


def _list_ok(value: Any, fullmatch: Callable[[str], Any], *, empty: bool) -> bool:
    if type(value) is not list or (not value and not empty):
        return False
    return len(set(map(str, value))) == len(value) and all(_str_ok(v, fullmatch) for v in value)
