"""Keep secrets and control characters out of everything voicectl shows or writes.

`scrub` replaces registered secrets (and their base64 and URL-encoded forms) with ***;
`ScrubbedStream` puts every byte voicectl prints through it; `clean` strips C0/C1 control
characters; `truncate` cuts response bodies to 256 characters. Stdlib only.
"""

from __future__ import annotations

import base64
import re
import threading
from typing import Any, TextIO
from urllib.parse import quote, quote_plus

BODY_LIMIT = 256
MASK = "***"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_secrets: set[str] = set()
_lock = threading.Lock()


MIN_ENCODED = 8  # shorter base64 fragments would mask ordinary words


def _encoded_forms(value: str) -> set[str]:
    """The value URL-encoded, and its base64 at each of the three byte alignments (the
    characters that encode only its bytes, wherever it sits in a longer encoded text)."""
    raw = value.encode("utf-8")
    forms = {quote(value, safe=""), quote_plus(value, safe="")}
    for offset in range(3):
        start, end = -(-8 * offset // 6), 8 * (offset + len(raw)) // 6
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            fragment = encode(bytes(offset) + raw).decode("ascii")[start:end]
            if len(fragment) >= MIN_ENCODED:
                forms.add(fragment)
    return forms


def register_secret(value: str | None) -> None:
    """Remember a secret so `scrub` masks it (and its encoded forms) from now on."""
    if value and len(value) >= 4:
        with _lock:
            _secrets.add(value)
            _secrets.update(_encoded_forms(value))


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


class ScrubbedStream:
    """A text stream that scrubs every write: banners, usage errors, server messages.

    The one write that must carry a secret, GitHub's `::add-mask::<secret>` command, passes
    unchanged, and only when its whole text is that command for a registered secret."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        command = text.removeprefix("::add-mask::").rstrip("\n")
        if not (text.startswith("::add-mask::") and command in _secrets):
            text = scrub(text)
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
