"""A small evaluator for the `${{ }}` expressions the shipped workflows use.

Literals, context paths (`steps.plan.outputs.has-changes`), `!`, `==`, `!=`, `&&`, `||`,
parentheses and the functions always/success/failure/cancelled/hashFiles. Semantics follow
GitHub where the workflows rely on them: `||`/`&&` return an operand, string comparison
ignores case, a missing property is null.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||[!().,\[\]])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)
_EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
STATUS_FUNCTIONS = ("always(", "success(", "failure(", "cancelled(")


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ValueError(f"cannot parse expression at {text[pos:]!r}")
        kind = match.lastgroup or ""
        out.append((kind, match[kind]))
        pos = match.end()
    return out


class _Parser:
    def __init__(
        self, text: str, contexts: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]
    ) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.contexts = contexts
        self.functions = functions

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        token = self.tokens[self.pos]
        if expected is not None and token[1] != expected:
            raise ValueError(f"expected {expected!r}, got {token[1]!r}")
        self.pos += 1
        return token

    def parse(self) -> Any:
        value = self.or_()
        if self.pos != len(self.tokens):
            raise ValueError(f"trailing tokens: {self.tokens[self.pos :]}")
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == "||":
            self.take()
            right = self.and_()
            value = value if truthy(value) else right
        return value

    def and_(self) -> Any:
        value = self.compare()
        while self.peek() == "&&":
            self.take()
            right = self.compare()
            value = right if truthy(value) else value
        return value

    def compare(self) -> Any:
        left = self.unary()
        if self.peek() in ("==", "!="):
            op = self.take()[1]
            right = self.unary()
            same = _norm(left) == _norm(right)
            return same if op == "==" else not same
        return left

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not truthy(self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if text == "(":
            value = self.or_()
            self.take(")")
            return value
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text)
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return None
        if self.peek() == "(":
            self.take()
            args = []
            while self.peek() != ")":
                args.append(self.or_())
                if self.peek() == ",":
                    self.take()
            self.take(")")
            return self.functions[text.lower()](*args)
        value: Any = self.contexts.get(text)
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                key = self.take()[1]
            else:
                key = self.or_()
                self.take("]")
            value = value.get(key) if isinstance(value, Mapping) else None
        return value


def truthy(value: Any) -> bool:
    return value not in (None, False, "", 0, 0.0)


def _norm(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).lower()


def evaluate(
    text: str, contexts: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]
) -> Any:
    return _Parser(text, contexts, functions).parse()


def as_string(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def interpolate(
    text: str, contexts: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]
) -> str:
    return _EXPR.sub(lambda m: as_string(evaluate(m[1], contexts, functions)), text)


def condition(
    text: str | bool | None,
    contexts: Mapping[str, Any],
    functions: Mapping[str, Callable[..., Any]],
) -> bool:
    """An `if:`: bare or wrapped in `${{ }}`; success() is implied without a status call."""
    if text is None:
        text = "success()"
    if isinstance(text, bool):
        return text
    inner = text.strip()
    if inner.startswith("${{") and inner.endswith("}}"):
        inner = inner[3:-2]
    if not any(f in inner for f in STATUS_FUNCTIONS):
        inner = f"success() && ({inner})"
    return truthy(evaluate(inner, contexts, functions))
