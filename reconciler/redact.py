"""Keep secrets and control characters out of everything voicectl shows or writes.

`scrub` replaces registered secrets with ***; `clean` strips C0/C1 control characters;
`truncate` cuts response bodies to 256 characters. Stdlib only.
"""

from __future__ import annotations

import re
import threading

BODY_LIMIT = 256
MASK = "***"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret so `scrub` masks it everywhere from now on."""
    if value and len(value) >= 4:
        with _lock:
            _secrets.add(value)


def forget_secrets() -> None:
    """Drop every registered secret (tests start each case from a clean slate)."""
    with _lock:
        _secrets.clear()


def scrub(text: str) -> str:
    """Replace every registered secret in `text` with ***."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def clean(text: str, *, keep_newlines: bool = False) -> str:
    """Strip C0/C1 control characters and bidi overrides (newlines kept on request)."""
    pattern = _CONTROL if keep_newlines else _CONTROL_ALL
    return pattern.sub("", text)


def truncate(text: str, limit: int = BODY_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe(text: str, limit: int | None = None) -> str:
    """scrub + clean (+ truncate): the one call for any external string in a message."""
    out = clean(scrub(text))
    return truncate(out, limit) if limit else out
