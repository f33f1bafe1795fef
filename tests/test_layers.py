"""The import layers of architecture.md §3, checked by parsing every module with ast."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "reconciler"

# module (dotted, without the `reconciler.` prefix) → layer; a prefix ending in "." covers
# a sub-package. Side groups may import each other within one layer.
LAYERS: dict[str, int] = {
    "model": 0,
    "atomicfile": 0,
    "errors": 0,
    "engines": 0,
    "settings": 0,
    "redact": 0,
    "api": 0,
    "diff": 1,
    "plan": 1,
    "change": 1,
    "planjson": 1,
    "essence": 1,
    "events": 1,
    "policy": 1,
    "report": 1,
    "yamlsrc": 2,
    "yamlloader": 2,
    "schema": 2,
    "schemaerrors": 2,
    "paths": 2,
    "audio": 2,
    "mp3frames": 2,
    "rules": 2,
    "client": 2,
    "retry": 2,
    "project": 2,
    "audiocache": 2,
    "envelope": 2,
    "httperrors": 2,
    "exchange": 2,
    "uploadstream": 2,
    "declarations": 3,
    "voicefile": 3,
    "remote": 3,
    "planfile": 3,
    "render.": 3,
    "apply": 4,
    "uploads": 4,
    "waiting": 4,
    "creating": 4,
    "importer": 4,
    "github": 4,
    "githubmd": 4,
    "githubapi": 4,
    "githubcontext": 4,
    "cli": 5,
    "commands.": 5,
    "__main__": 5,
    "__init__": 0,
}
SIDES: list[set[str]] = [
    {"model", "errors", "engines", "settings", "redact", "api", "atomicfile"},
    {
        "declarations",
        "voicefile",
        "rules",
        "yamlsrc",
        "yamlloader",
        "schema",
        "schemaerrors",
        "paths",
        "audio",
        "mp3frames",
        "project",
        "audiocache",
    },
    {"client", "retry", "envelope", "httperrors", "exchange", "uploadstream"},
    {"diff", "plan", "policy", "change", "planjson", "essence"},
    {"apply", "uploads", "waiting", "creating"},
    {"github", "githubmd", "githubapi", "githubcontext"},
]
THIRD_PARTY_ALLOWED: dict[str, set[str]] = {
    "deepdiff": {"essence"},
}
HEAVY = {"httpx", "deepdiff", "jsonschema", "rich", "mutagen", "yaml"}
STDLIB_ONLY_LAYERS = {0, 1}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    return ".".join(rel.parts)


def _layer(name: str) -> int | None:
    if name in LAYERS:
        return LAYERS[name]
    for key, layer in LAYERS.items():
        if key.endswith(".") and name.startswith(key):
            return layer
    return None


def _same_side(a: str, b: str) -> bool:
    a0, b0 = a.split(".", maxsplit=1)[0], b.split(".", maxsplit=1)[0]
    if a0 == b0 and a0 in ("render", "commands"):
        return True
    if _layer(a) == _layer(b) == 5:
        return True
    return any(a0 in side and b0 in side for side in SIDES)


def _imports(tree: ast.Module) -> list[tuple[str, bool]]:
    """(imported module, is_top_level) for every import statement."""
    top_level = {id(node) for node in tree.body}
    found: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, id(node) in top_level) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, id(node) in top_level))
            if node.module == "reconciler":
                found.extend((f"reconciler.{a.name}", id(node) in top_level) for a in node.names)
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    missing = [
        _module_name(p)
        for p in _modules()
        if not _module_name(p).startswith("emulator") and _layer(_module_name(p)) is None
    ]
    assert missing == [], f"add these modules to LAYERS in tests/test_layers.py: {missing}"


def test_imports_respect_the_layers() -> None:
    violations: list[str] = []
    for path in _modules():
        name = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        in_emulator = name.startswith("emulator")
        layer = _layer(name)
        for imported, top_level in _imports(tree):
            root = imported.split(".")[0]
            if in_emulator:
                if root == "reconciler" and not imported.startswith("reconciler.emulator"):
                    violations.append(f"{name}: the emulator imports {imported}")
                continue
            if layer is None:
                continue
            if root == "reconciler":
                target = imported.removeprefix("reconciler").lstrip(".")
                if not target or target.startswith("emulator"):
                    if target.startswith("emulator") and (layer < 5 or top_level):
                        violations.append(f"{name}: imports the emulator {imported}")
                    continue
                target_layer = _layer(target)
                if target_layer is None:
                    continue
                if target_layer > layer or (target_layer == layer and not _same_side(name, target)):
                    violations.append(f"{name} (layer {layer}) imports {target} ({target_layer})")
            elif root in THIRD_PARTY_ALLOWED and name not in THIRD_PARTY_ALLOWED[root]:
                violations.append(f"{name}: only {THIRD_PARTY_ALLOWED[root]} may import {root}")
            elif (
                root in HEAVY
                and layer in STDLIB_ONLY_LAYERS
                and name not in THIRD_PARTY_ALLOWED.get(root, set())
            ):
                violations.append(f"{name} (layer {layer}) imports third-party {root}")
            elif root in HEAVY and layer == 5 and top_level and name != "commands.failures":
                violations.append(f"{name}: import {root} lazily inside the handler")
    assert violations == []


def test_diff_and_plan_do_no_io() -> None:
    forbidden = {"os", "yaml", "jsonschema", "httpx", "rich", "pathlib", "time", "logging"}
    for name in ("diff", "plan", "change", "planjson", "essence"):
        path = PACKAGE / f"{name}.py"
        if not path.exists():
            continue
        roots = {imp.split(".")[0] for imp, _ in _imports(ast.parse(path.read_text()))}
        assert roots & forbidden == set(), f"{name} imports {roots & forbidden}"


def test_no_module_is_too_long() -> None:
    too_long = {
        _module_name(p): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert too_long == {}
