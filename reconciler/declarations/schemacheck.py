"""JSON Schemas of voicectl files: finding them, compiled validators, the voice fast path.

`check_document(kind, doc)` returns every schema problem of a LocatedDoc as Diagnostics
(worded in schemaerrors.py). jsonschema is imported lazily: documents passing the
hand-written fast paths (the voice one here, voicectl.yaml's in projectshape.py) never
need it. No file discovery or cross-file rules here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from reconciler.declarations.projectshape import project_checker
from reconciler.declarations.schemaerrors import locate_errors, make_diagnostic
from reconciler.declarations.yamlsrc import LocatedDoc
from reconciler.model.errors import Diagnostic

KINDS = ("voice", "plan", "project", "validate")


def schema_path(kind: str) -> Path:
    """The schema file: inside the wheel (reconciler/schemas) or the checkout's schemas/."""
    name = f"{kind}.schema.json"
    packaged = resources.files("reconciler") / "schemas" / name
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "schemas" / name


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
    if kind == "project" and _project_checker()(doc.data):
        return []
    if doc.data is None:
        empty = "see schemas/voice.schema.json"
        return [make_diagnostic(doc.locate(), "the file is empty", empty)]
    return locate_errors(compiled_validator(kind).iter_errors(doc.data), doc)


def voice_shape_ok(data: Any) -> bool:
    """Hand-written check of the common valid shape; True only if the schema accepts it.

    Stricter than the schema wherever that is simpler; anything it rejects goes to
    jsonschema, which produces the real messages.
    """
    return _fast_checker()(data)


@cache
def _project_checker() -> Callable[[Any], bool]:
    return project_checker(load_schema("project"))


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
    max_keys = props["metadata"]["maxProperties"]  # the server's cap less voicectl's keys

    def ref_ok(item: Any) -> bool:
        if type(item) is str:
            return 0 < len(item) <= 1024
        return type(item) is dict and item.keys() == {"file_id"} and _str_ok(item["file_id"], uuid)

    def meta_ok(meta: Any) -> bool:
        if type(meta) is not dict or len(meta) > max_keys or not reserved.isdisjoint(meta):
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
            and "quality" not in d  # rare: jsonschema checks its nested shape
        )

    return check


def _str_ok(value: Any, fullmatch: Callable[[str], Any]) -> bool:
    return type(value) is str and fullmatch(value) is not None


def _list_ok(value: Any, fullmatch: Callable[[str], Any], *, empty: bool) -> bool:
    if type(value) is not list or (not value and not empty):
        return False
    return len(set(map(str, value))) == len(value) and all(_str_ok(v, fullmatch) for v in value)
