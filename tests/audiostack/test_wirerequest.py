"""RequestBuilder makes exactly the request httpx.Client.build_request makes, for every
shape the client sends: method, URL, headers in order, body and timeout."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from reconciler.audiostack.wirerequest import RequestBuilder

KEYS = {"x-api-key": "sk-1", "x-customer-trace-id": "t" * 32, "x-assume-org": "org%201"}
API_CALLS: list[tuple[str, str, dict[str, Any] | None, Any]] = [
    ("GET", "/speech/voice-cloning", None, None),
    ("GET", "/speech/voice-cloning", {"alias": "anna en/ü&x=1"}, None),
    ("GET", "/folders/f-1/files", {"limit": 100, "offset": 200}, None),
    ("POST", "/files", None, {"file_name": "take-01.wav", "folder_id": "f-1"}),
    ("POST", "/speech/voice-cloning", None, {"alias": "ünï", "fileIds": ["a"], "metadata": {}}),
    ("DELETE", "/speech/voice-cloning/anna", None, None),
    ("GET", "/files/f%2F1%3Fx%20y", None, None),  # a quoted id keeps its escapes
    ("GET", "/speech/voice-cloning", {"alias": "a+b c%2F"}, None),
    ("POST", "/folders", None, []),
]


def _same(ours: httpx.Request, theirs: httpx.Request) -> None:
    assert ours.method == theirs.method
    assert str(ours.url) == str(theirs.url)
    assert ours.headers.multi_items() == theirs.headers.multi_items()
    assert ours.read() == theirs.read()
    assert ours.extensions == theirs.extensions


@pytest.mark.parametrize("base", ["https://v2.api.audio", "http://127.0.0.1:8765/v2/"])
@pytest.mark.parametrize(("method", "path", "params", "body"), API_CALLS)
def test_api_requests_are_build_request_s(
    base: str, method: str, path: str, params: dict[str, Any] | None, body: Any
) -> None:
    timeout = httpx.Timeout(connect=5, read=30, write=60, pool=5)
    with httpx.Client(base_url=base, timeout=timeout) as http:
        ours = RequestBuilder(http, KEYS).api(method, path, params, body)
        theirs = http.build_request(method, path, params=params, json=body, headers=KEYS)
        _same(ours, theirs)


def test_upload_puts_are_build_request_s() -> None:
    url = httpx.URL("https://uploads.example/_upload/f-1?sig=abc%2Fdef&X-Amz-Expires=60")
    headers = {"Content-Type": "audio/wav", "Content-Length": "6"}
    with httpx.Client(base_url="https://v2.api.audio") as http:
        ours = RequestBuilder(http, KEYS).put(url, headers, iter([b"abc", b"def"]))
        theirs = http.build_request("PUT", url, content=iter([b"abc", b"def"]), headers=headers)
        assert "x-api-key" not in ours.headers  # the presigned URL never gets the key
        _same(ours, theirs)
