"""The strict YAML dialect of voicectl files: StrictLoader (YAML-1.2-like implicit types),
its fast resolver, the node limits and the event pre-scan that rejects anchors and aliases.

Raises `RejectedNodeError` (a message at a mark); yamlsrc.py turns it into a Diagnostic.
No located values here (yamlsrc.py builds them).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import yaml
from yaml.nodes import Node, ScalarNode, SequenceNode

MAX_DEPTH = 32
MAX_NODES = 10_000
ANCHOR_HINT = "write the value out in full"

_T = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = _T + "str", _T + "int", _T + "float", _T + "bool", _T + "null"
SEQ, MAP = _T + "seq", _T + "map"

_BaseLoader: Any = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


class StrictLoader(_BaseLoader):  # type: ignore[misc]
    """CSafeLoader with YAML-1.2-like implicit types: only true/false are booleans, no
    timestamps, sexagesimal, octal, merge keys or `=`; `.inf`/`.nan` stay strings."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}


_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(
    r"^[-+]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+)$"
)
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
StrictLoader.add_implicit_resolver(BOOL, _BOOL, list("tTfF"))
StrictLoader.add_implicit_resolver(INT, _INT, list("-+0123456789"))
StrictLoader.add_implicit_resolver(FLOAT, _FLOAT, list("-+0123456789."))
StrictLoader.add_implicit_resolver(NULL, _NULL, ["~", "n", "N", ""])
_BY_FIRST: dict[str, list[tuple[str, re.Pattern[str]]]] = StrictLoader.yaml_implicit_resolvers


def _resolve(self: Any, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
    """Resolver.resolve without path resolvers: called for every node, so kept minimal."""
    if kind is ScalarNode:
        if implicit[0]:
            candidates = _BY_FIRST.get(value[:1])
            if candidates:
                for tag, pattern in candidates:
                    if pattern.match(value):
                        return tag
        return STR
    return SEQ if kind is SequenceNode else MAP


StrictLoader.resolve = _resolve


class RejectedNodeError(Exception):
    """A node (or event) the dialect refuses, with its 1-based line:col and a hint."""

    def __init__(self, node_or_mark: Any, message: str, hint: str | None = None) -> None:
        mark = getattr(node_or_mark, "start_mark", node_or_mark)
        self.line = mark.line + 1 if mark is not None else 1
        self.col = mark.column + 1 if mark is not None else 1
        self.message = message
        self.hint = hint


def prescan(text: str) -> None:
    """Walk parser events: reject anchors, aliases, depth > 32 and > 10,000 nodes."""
    depth = nodes = 0
    for event in yaml.parse(text, Loader=StrictLoader):
        if isinstance(event, yaml.AliasEvent):
            raise RejectedNodeError(event, "aliases (*name) are not allowed", ANCHOR_HINT)
        if isinstance(event, yaml.NodeEvent):
            if event.anchor is not None:
                raise RejectedNodeError(event, "anchors (&name) are not allowed", ANCHOR_HINT)
            nodes += 1
            if nodes > MAX_NODES:
                raise RejectedNodeError(event, f"document has more than {MAX_NODES:,} nodes")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise RejectedNodeError(event, f"nesting is deeper than {MAX_DEPTH} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def show_tag(tag: str) -> str:
    """`!!int` for a core tag, the full tag otherwise (for messages)."""
    return "!!" + tag[len(_T) :] if tag.startswith(_T) else tag
