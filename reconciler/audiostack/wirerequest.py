"""The requests AudioStackClient puts on the wire, built without httpx.Client's per-call
merging, and the cookie policy of the client's httpx.Client.

`Client.build_request` re-parses the base URL, merges default headers and cookies and
encodes JSON through several layers: 100–180 µs a request here, a tenth of a 2-file
voice's CPU against the embedded emulator. `RequestBuilder` merges the client's headers
once and makes exactly the request `build_request` makes (tests/audiostack/
test_wirerequest.py compares method, URL, headers, body and timeout for each shape sent).
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Iterable, Mapping
from typing import Any

import httpx


class CookiesIgnored(httpx.Cookies):
    """An API-key client keeps no cookies: a Set-Cookie is never stored nor sent back, so
    no server (or a proxy before it) can plant state in later calls. It also spares each
    reply a pass through http.cookiejar."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None

    def set_cookie_header(self, request: httpx.Request) -> None:
        return None


def api_http(
    base_url: str, transport: httpx.BaseTransport | None, timeout: httpx.Timeout
) -> httpx.Client:
    """The httpx.Client under AudioStackClient: a 3xx is an answer (never followed, so
    the key never travels to where a redirect points) and no cookie is kept."""
    http = httpx.Client(
        base_url=base_url, transport=transport, timeout=timeout, follow_redirects=False
    )
    http._cookies = CookiesIgnored()  # httpx has no switch for it
    return http


class RequestBuilder:
    """Requests for one httpx.Client: its base URL, default headers and timeout."""

    def __init__(self, http: httpx.Client, headers: Mapping[str, str]) -> None:
        self._base = str(http.base_url).rstrip("/")
        self._api_headers = [*http.headers.multi_items(), *headers.items()]
        self._plain_headers = list(http.headers.multi_items())
        self._extensions = {"timeout": http.timeout.as_dict()}

    def api(
        self, method: str, path: str, params: Mapping[str, Any] | None, json: Any
    ) -> httpx.Request:
        """`path` (under the base URL) with `params`, the key headers and a JSON body."""
        url = httpx.URL(self._base + path, params=params or None)
        headers = self._api_headers
        content = None
        if json is not None:
            content = jsonlib.dumps(
                json, ensure_ascii=False, separators=(",", ":"), allow_nan=False
            ).encode("utf-8")
            headers = [
                *headers,
                ("Content-Length", str(len(content))),
                ("Content-Type", "application/json"),
            ]
        return httpx.Request(
            method, url, headers=headers, content=content, extensions=self._extensions
        )

    def put(
        self, url: httpx.URL, headers: Mapping[str, str], content: Iterable[bytes]
    ) -> httpx.Request:
        """An upload PUT to a presigned `url`: the client's defaults and `headers` only."""
        return httpx.Request(
            "PUT",
            url,
            headers=[*self._plain_headers, *headers.items()],
            content=content,
            extensions=self._extensions,
        )
