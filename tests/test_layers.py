"""The layers of architecture.md §3 as package-level rules, checked by parsing every module.

Each rule is one row of the table in docs/architecture.md; the table and this file change
together.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "reconciler"

# Rule 1: which packages of `reconciler` each package may import (besides itself and the
# leaves). The order of this dict is the layer order, bottom first.
MAY_IMPORT: dict[str, set[str]] = {
    "model": set(),
    "audio": {"model"},
    "declarations": {"model", "audio"},
    "audiostack": {"model"},
    "plan": {"model"},
    "apply": {"model", "plan", "audiostack"},
    "github": {"model", "plan"},
    "render": {"model", "plan", "apply"},
    "orchestration": {"model", "audio", "declarations", "audiostack", "plan"},
    "cli": {
        "model",
        "audio",
        "declarations",
        "audiostack",
        "plan",
        "apply",
        "github",
        "render",
        "orchestration",
    },
    "commands": {
        "model",
        "audio",
        "declarations",
        "audiostack",
        "plan",
        "apply",
        "github",
        "render",
        "orchestration",
        "cli",
    },
}
# Rule 2: leaf modules directly in reconciler/: standard library only, anyone may import them.
LEAVES = {"redact", "atomicfile", "safeopen"}
# Rule 3: the entry points.
ENTRY = {"__init__", "__main__"}
# Rule 4: reconciler/ holds only the entry points and the leaves; everything else is a package.
MAX_FLAT_MODULES = len(ENTRY) + len(LEAVES)
# Rule 5: each third-party library stays in the packages (or modules) made for it.
THIRD_PARTY: dict[str, set[str]] = {
    "deepdiff": {"plan.essence"},
    "yaml": {"declarations"},
    "jsonschema": {"declarations", "plan.planfile"},
    "mutagen": {"audio", "emulator"},
    "httpx": {"audiostack", "github", "cli", "commands", "emulator.transport"},
    "rich": {"render", "cli", "commands"},
    # the audio-quality measures (reconciler/audio only; the emulator has its own checks)
    "numpy": {"audio"},
    "soundfile": {"audio.decode"},
    "soxr": {"audio.vad"},
    "webrtcvad": {"audio.vad"},
}
# Rule 6: the pure core does no I/O.
PURE = {
    "plan.diff",
    "plan.value",
    "plan.change",
    "plan.planjson",
    "plan.essence",
    "plan.policy",
    "plan.provenance",
    "plan.hints",
}
IO_MODULES = {"os", "yaml", "jsonschema", "httpx", "rich", "pathlib", "time", "logging"}
# Rule 7: the command line imports heavy libraries and the emulator lazily, inside handlers
# (so `--help` and `validate` start fast); failure reporting needs rich at once.
LAZY_IN = {"cli", "commands"}
LAZY_EXEMPT = {"cli.failures"}
HEAVY = set(THIRD_PARTY) | {"reconciler.emulator"}
# Rule 8: the emulator is a separate program: it imports nothing else from reconciler, and
# only cli/commands may import it.
# Rule 9: no module over 300 lines.
MAX_LINES = 300
# Rule 10: no two modules share a name (a subcommand's module in commands/ is named after it,
# so the library module beside it says what it holds).


def _name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    return ".".join(rel.parts).removesuffix(".__init__") or "__init__"


def _package(name: str) -> str:
    return name.split(".", maxsplit=1)[0]


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(imported module, is_top_level) for every absolute import statement."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
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


def _matches(name: str, owners: set[str]) -> bool:
    return any(name == owner or name.startswith(owner + ".") for owner in owners)


def test_every_module_belongs_to_a_package_or_is_a_leaf() -> None:
    flat = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert set(flat) <= ENTRY | LEAVES, f"move into a layer package: {set(flat) - ENTRY - LEAVES}"
    assert len(flat) <= MAX_FLAT_MODULES
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(MAY_IMPORT) | {"emulator"}, "add the new package to MAY_IMPORT"


def test_packages_import_only_the_layers_below() -> None:
    violations: list[str] = []
    for path in _modules():
        name = _name(path)
        package = _package(name)
        for imported, _ in _imports(path):
            if not imported.startswith("reconciler."):
                continue
            target = _package(imported.removeprefix("reconciler."))
            if target in (package, "__init__", "__version__") or package in ENTRY:
                continue
            if package == "emulator" or name in LEAVES:
                violations.append(f"{name} imports {imported}")
            elif target in LEAVES or (target == "emulator" and package in LAZY_IN):
                continue
            elif target not in MAY_IMPORT.get(package, set()):
                violations.append(f"{name} ({package}) imports {imported}")
    assert violations == []


def test_third_party_libraries_stay_in_their_packages() -> None:
    violations = [
        f"{_name(path)} imports {imported}"
        for path in _modules()
        for imported, _ in _imports(path)
        if (root := imported.split(".")[0]) in THIRD_PARTY
        and not _matches(_name(path), THIRD_PARTY[root])
    ]
    assert violations == []


def test_the_model_and_the_leaves_use_the_standard_library_only() -> None:
    for path in _modules():
        name = _name(path)
        if _package(name) == "model" or name in LEAVES:
            roots = {imp.split(".")[0] for imp, _ in _imports(path)}
            assert roots & set(THIRD_PARTY) == set(), f"{name} imports {roots & set(THIRD_PARTY)}"


def test_the_pure_core_does_no_io() -> None:
    for name in PURE:
        path = PACKAGE / (name.replace(".", "/") + ".py")
        assert path.is_file(), f"PURE names a module that does not exist: {name}"
        roots = {imp.split(".")[0] for imp, _ in _imports(path)}
        assert roots & IO_MODULES == set(), f"{name} imports {roots & IO_MODULES}"


def test_the_command_line_imports_heavy_modules_lazily() -> None:
    violations = [
        f"{_name(path)}: import {imported} inside the handler"
        for path in _modules()
        if _package(_name(path)) in LAZY_IN and _name(path) not in LAZY_EXEMPT
        for imported, top_level in _imports(path)
        if top_level and (imported.split(".")[0] in HEAVY or _matches(imported, HEAVY))
    ]
    assert violations == []


def test_no_module_is_too_long() -> None:
    """The package, its tests and its benchmarks alike."""
    top = PACKAGE.parent
    paths = [
        p for folder in ("reconciler", "tests", "benchmarks") for p in (top / folder).rglob("*.py")
    ]
    too_long = {
        str(p.relative_to(top)): n
        for p in paths
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}


def test_no_two_modules_share_a_name() -> None:
    seen: dict[str, list[str]] = {}
    for path in _modules():
        if path.stem != "__init__":
            seen.setdefault(path.stem, []).append(_name(path))
    assert {stem: names for stem, names in seen.items() if len(names) > 1} == {}
