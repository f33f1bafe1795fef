"""Strict, located YAML loading for user-edited files (libraries.md §1).

`read_yaml`/`parse_yaml` return a `LocatedDoc` (data + 1-based line:col of every key and
value) or one located `Diagnostic`; they never raise for bad input. The dialect (loader,
resolvers, limits, pre-scan) lives in yamlloader.py; no schema rules here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reconciler.declarations.yamldialect import (
    ANCHOR_HINT,
    BOOL,
    FLOAT,
    INT,
    MAP,
    MAX_DEPTH,
    MAX_NODES,
    NULL,
    SEQ,
    STR,
    RejectedNodeError,
    StrictLoader,
    prescan,
    show_tag,
)
from reconciler.model.errors import Diagnostic, Location, Severity
from reconciler.safeopen import TooLarge, UnsafeFile, read_bounded

MAX_BYTES = 256 * 1024

PathKey = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class LocatedDoc:
    """A parsed document and where each key and value came from (1-based line, col)."""

    path: str
    data: Any
    marks: Mapping[PathKey, tuple[int, int]]
    key_marks: Mapping[PathKey, tuple[int, int]]
    raw: Mapping[PathKey, str]  # source text of non-string scalars (for "quote it" hints)
    problems: tuple[Diagnostic, ...] = ()  # non-fatal: duplicate keys (first value kept)

    def locate(self, where: PathKey = (), *, key: bool = False) -> Location:
        """Location of the value (or key) at `where`, else of its nearest ancestor."""
        while True:
            found = (self.key_marks.get(where) if key else None) or self.marks.get(where)
            if found is not None:
                return Location(self.path, found[0], found[1])
            if not where:
                return Location(self.path, 1, 1)
            where = where[:-1]
            key = False


def read_yaml(path: Path, display: str, root: Path) -> LocatedDoc | Diagnostic:
    """Read and parse one file; `display` is the repo-relative path used in locations.

    The file must be a regular file inside `root` (resolved) of at most 256 KiB, checked
    with stat before it is opened (safeopen.py): a FIFO or /dev/stdin never blocks."""
    try:
        data = read_bounded(root, path, display, MAX_BYTES)
    except TooLarge as exc:
        message = f"file is too large ({exc.size:,} bytes; the limit is 256 KiB)"
        return _error(display, 1, 1, message, "split it into smaller files")
    except UnsafeFile as exc:
        return _error(display, 1, 1, exc.message, exc.hint)
    except OSError as exc:
        return _error(display, 1, 1, f"cannot read file: {exc.strerror or exc}")
    return parse_yaml(data, display)


def parse_yaml(data: bytes | str, display: str) -> LocatedDoc | Diagnostic:
    """Parse YAML bytes (UTF-8, optional BOM) or text into a LocatedDoc, or a Diagnostic."""
    if len(data) > MAX_BYTES:
        return _error(
            display, 1, 1, f"file is too large ({len(data):,} bytes; the limit is 256 KiB)"
        )
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            return _error(
                display,
                line,
                col,
                f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                "save the file as UTF-8",
            )
    else:
        text = data[1:] if data.startswith("\ufeff") else data
    try:
        # Without "&" there is no anchor, hence no alias; depth and node count are then
        # checked by the walk (LibYAML itself stops at depth 1,000, far from its crash).
        if "&" in text or not yaml.__with_libyaml__:
            prescan(text)
        loader = StrictLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        builder = _Builder(display, loader)
        value = builder.build(node, (), 0) if node is not None else None
    except RejectedNodeError as exc:
        return _error(display, exc.line, exc.col, exc.message, exc.hint)
    except yaml.MarkedYAMLError as exc:
        return _syntax_error(display, exc)
    except yaml.reader.ReaderError as exc:  # control characters: a position, no mark
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return _error(display, line, col, f"invalid YAML: {exc.reason} (#x{exc.character:04x})")
    except yaml.YAMLError as exc:
        return _error(display, 1, 1, f"invalid YAML: {_first_line(str(exc))}")
    except RecursionError:
        return _error(display, 1, 1, f"nesting is deeper than {MAX_DEPTH} levels")
    return LocatedDoc(
        display, value, builder.marks, builder.key_marks, builder.raw, tuple(builder.problems)
    )


class _Builder:
    """One walk over the composed node graph: checks, marks and plain Python values."""

    def __init__(self, display: str, loader: Any) -> None:
        self.display = display
        self.loader = loader
        self.marks: dict[PathKey, tuple[int, int]] = {}
        self.key_marks: dict[PathKey, tuple[int, int]] = {}
        self.raw: dict[PathKey, str] = {}
        self.seen: set[int] = set()
        self.problems: list[Diagnostic] = []  # found without stopping the walk

    def build(self, node: Node, path: PathKey, depth: int) -> Any:
        if id(node) in self.seen:  # the composer shares a node only through an alias
            raise RejectedNodeError(node, "aliases (*name) are not allowed", ANCHOR_HINT)
        self.seen.add(id(node))
        if len(self.seen) > MAX_NODES:
            raise RejectedNodeError(node, f"document has more than {MAX_NODES:,} nodes")
        marks = self.marks
        mark = node.start_mark
        marks[path] = (mark.line + 1, mark.column + 1)
        if node.__class__ is ScalarNode:
            return node.value if node.tag == STR else self._scalar(node, path)
        if depth >= MAX_DEPTH:
            raise RejectedNodeError(node, f"nesting is deeper than {MAX_DEPTH} levels")
        if isinstance(node, SequenceNode):
            if node.tag != SEQ:
                raise RejectedNodeError(node, f"tag {show_tag(node.tag)} is not allowed")
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if not isinstance(node, MappingNode) or node.tag != MAP:
            raise RejectedNodeError(node, f"tag {show_tag(node.tag)} is not allowed")
        result: dict[str, Any] = {}
        key_marks = self.key_marks
        for key_node, value_node in node.value:
            if key_node.__class__ is ScalarNode and key_node.tag == STR:
                key = key_node.value
            else:
                key = self._key(key_node)
            child = (*path, key)
            if key in result:  # reported, the first value kept: the rest is still checked
                first = key_marks[child][0]
                mark = key_node.start_mark
                self.problems.append(
                    _error(
                        self.display,
                        mark.line + 1,
                        mark.column + 1,
                        f"duplicate key '{key}' (first defined on line {first})",
                        "remove one of them",
                    )
                )
                continue
            mark = key_node.start_mark
            key_marks[child] = (mark.line + 1, mark.column + 1)
            if value_node.__class__ is ScalarNode and value_node.tag == STR:
                # the common case inline: a plain string value (no call, same checks)
                if id(value_node) in self.seen:
                    raise RejectedNodeError(value_node, "aliases (*name) are not allowed")
                self.seen.add(id(value_node))
                mark = value_node.start_mark
                marks[child] = (mark.line + 1, mark.column + 1)
                result[key] = value_node.value
            else:
                result[key] = self.build(value_node, child, depth + 1)
        return result

    def _key(self, node: Node) -> str:
        if not isinstance(node, ScalarNode):
            raise RejectedNodeError(node, "mapping keys must be plain strings")
        if node.tag != STR:
            raise RejectedNodeError(
                node, f"mapping key {node.value!r} is not a string", f'quote it: "{node.value}"'
            )
        return str(node.value)

    def _scalar(self, node: ScalarNode, path: PathKey) -> Any:
        tag, value = node.tag, node.value
        if tag == STR:
            return value
        if tag not in (INT, FLOAT, BOOL, NULL):
            raise RejectedNodeError(node, f"tag {show_tag(tag)} is not allowed")
        if node.style or self.loader.resolve(ScalarNode, value, (True, False)) != tag:
            raise RejectedNodeError(
                node, f"explicit tag {show_tag(tag)} is not allowed", "write the value plainly"
            )
        self.raw[path] = value
        if tag == INT:
            try:
                return int(value)
            except ValueError:  # over Python's 4,300-digit conversion limit
                raise RejectedNodeError(
                    node,
                    f"number has {len(value):,} digits; numbers here have at most 4,300",
                    "use a smaller number",
                ) from None
        if tag == FLOAT:
            return float(value)
        if tag == BOOL:
            return value.lower() == "true"
        return None


def _syntax_error(display: str, exc: yaml.MarkedYAMLError) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    col = mark.column + 1 if mark is not None else 1
    problem = exc.problem or exc.context or "syntax error"
    if "alias" in problem or "alphabetic or numeric" in problem:
        return _error(
            display, line, col, "invalid YAML: " + problem, 'quote values that start with "*"'
        )
    return _error(display, line, col, f"invalid YAML: {problem}")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "syntax error"


def _error(display: str, line: int, col: int, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(Location(display, line, col), Severity.ERROR, message, hint, code="yaml")
