"""jsonschema errors → located Diagnostics with plain-English messages and quoting hints.

Reads the schema's own `x-message`, `x-hint` and `x-at` annotations; lines and columns come
from the LocatedDoc. No schema loading or validation here (schema.py).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from typing import Any

from reconciler.declarations.yamlsrc import LocatedDoc, PathKey
from reconciler.model.errors import Diagnostic, Location, Severity

_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "empty",
}


def locate_errors(errors: Iterable[Any], doc: LocatedDoc) -> list[Diagnostic]:
    """Every jsonschema error of `doc` as Diagnostics, deduplicated and sorted."""
    found: list[Diagnostic] = []
    for error in errors:
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
            yield make_diagnostic(
                doc.locate((*path, key), key=True), f"unknown field '{key}'{where}", tip
            )
        return
    if validator == "required":
        match = re.match(r"^'(.+)' is a required property$", error.message)
        name = match.group(1) if match else str(limit)
        where = f" in {field}" if path else ""
        yield make_diagnostic(doc.locate(path), f"missing required field '{name}'{where}")
        return
    if validator == "propertyNames":
        yield make_diagnostic(
            doc.locate((*path, instance), key=True),
            _custom(schema, instance, None) or f"invalid key {_show(instance, None)} in {field}",
        )
        return
    raw = doc.raw.get(path)
    located = doc.locate(path, key=schema.get("x-at") == "key")
    if validator == "type":
        yield _type_error(located, field, instance, limit, raw=raw, path=path)
        return
    # a size limit says its number; the schema's friendly text explains the other failures
    custom = None if validator in SIZE_VALIDATORS else _custom(schema, instance, raw)
    message = custom or _generated(validator, field, instance, limit, error)
    hint = schema.get("x-hint")
    if raw is not None and hint is None and validator in ("pattern", "enum", "not"):
        hint = f'quote it: {path[-1]}: "{raw}"' if path and isinstance(path[-1], str) else None
    yield make_diagnostic(located, message, hint)


def _type_error(
    located: Location, field: str, instance: Any, expected: Any, *, raw: str | None, path: PathKey
) -> Diagnostic:
    wanted = [expected] if isinstance(expected, str) else list(expected)
    labels = [_TYPE_NAMES.get(w, w) for w in wanted]
    names = ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else labels[0]
    if path == ():
        return make_diagnostic(
            located, f"the document must be a mapping of fields, not {_value_kind(instance)}"
        )
    message = f"{field} must be {names}, not {_value_kind(instance)}"
    hint = None
    if "string" in wanted and raw is not None:
        key = path[-1]
        hint = f'quote it: {key}: "{raw}"' if isinstance(key, str) else f'quote it: - "{raw}"'
    elif "array" in wanted and isinstance(instance, str):
        hint = "write each entry on its own line starting with '- '"
    return make_diagnostic(located, message, hint)


SIZE_VALIDATORS = frozenset({"maxProperties", "maxItems", "minItems"})


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


def _value_kind(value: Any) -> str:
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


def make_diagnostic(location: Location, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(location, Severity.ERROR, message, hint, code="schema")
