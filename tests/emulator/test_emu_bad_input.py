"""A corpus of hostile requests: each gets a 4xx with a JSON `message`, never a 500, and
the emulator keeps serving (both front doors)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from reconciler.emulator.core import Emulator
from reconciler.emulator.server import RunningServer, serve_in_thread
from reconciler.emulator.transport import EmulatorTransport

JSON = {"content-type": "application/json"}
DEEP = b"[" * 100_000 + b"]" * 100_000

# (method, path, body bytes or JSON value, extra headers)
CORPUS: list[tuple[str, str, Any, dict[str, str]]] = [
    ("POST", "/files", b"{not json", JSON),
    ("POST", "/files", b"", JSON),
    ("POST", "/files", b"\xff\xfe\x00garbage", JSON),
    ("POST", "/files", b'{"file_name": NaN}', JSON),
    ("POST", "/files", DEEP, JSON),
    ("POST", "/files", [1, 2, 3], JSON),
    ("POST", "/files", "just a string", JSON),
    ("POST", "/files", {"file_name": 123}, JSON),
    ("POST", "/files", {"file_name": "a.wav", "folder_id": 5}, JSON),
    ("POST", "/files", {"file_name": "a.wav", "extra": True}, JSON),
    ("POST", "/files", {"file_name": "x" * 300 + ".wav"}, JSON),
    ("POST", "/files", {"file_name": ".wav"}, JSON),
    ("POST", "/files", {"file_name": "noext"}, JSON),
    ("POST", "/files", {"file_name": "../../../../etc/passwd"}, JSON),
    ("POST", "/files", {"file_name": "C:\\x.wav"}, JSON),
    ("POST", "/files", {"file_name": "a\u0085b.wav"}, JSON),
    ("POST", "/files", b'{"file_name": "' + b"a" * (2 << 20) + b'.wav"}', JSON),
    ("POST", "/folders", {"folder_name": ""}, JSON),
    ("POST", "/folders", {"folder_name": "a/b"}, JSON),
    ("POST", "/folders", {"folder_name": "ok", "parent_folder_id": ["x"]}, JSON),
    ("POST", "/folders", {"folder_name": "ok", "parent_folder_id": "nope"}, JSON),
    ("GET", "/folders?path=../../etc", None, {}),
    ("GET", "/folders?path=%00", None, {}),
    ("GET", "/folders/nope/files", None, {}),
    ("GET", "/folders/x/files?offset=-1", None, {}),
    ("GET", "/folders/x/files?limit=" + "9" * 5000, None, {}),
    ("GET", "/files/..%2F..%2Fetc%2Fpasswd", None, {}),
    ("GET", "/files/" + "a" * 5000, None, {}),
    ("GET", "/speech/voice/%00%1b", None, {}),
    ("POST", "/speech/voice-cloning", {"fileIds": "abc", "alias": 5, "engine": []}, JSON),
    ("POST", "/speech/voice-cloning", {"fileIds": [1, None], "alias": "ok-a"}, JSON),
    ("POST", "/speech/voice-cloning", {"fileIds": [], "alias": "ok-a", "engine": "x"}, JSON),
    ("POST", "/speech/voice-cloning", {"fileIds": ["a", "a"], "alias": "ok-a"}, JSON),
    ("POST", "/speech/voice-cloning", {"fileIds": ["a"] * 30_000, "alias": "ok-a"}, JSON),
    ("POST", "/speech/voice-cloning", {"metadata": {"": 1}, "consentFileId": 7}, JSON),
    ("POST", "/speech/voice-cloning", {"engine": {"$ne": 1}, "alias": "a\u202eb"}, JSON),
    ("POST", "/speech/voice-builder", b"null", JSON),
    ("PUT", "/_upload/", b"x", {}),
    ("PUT", "/_upload/abc", b"x", {"content-type": "audio/wav"}),
    ("PUT", "/_upload/abc?sig=", b"x", {}),
    ("PUT", "/_upload/../../etc/passwd?sig=x", b"x", {}),
    ("GET", "/_upload/abc?sig=x", None, {}),
    ("GET", "/_download/abc", None, {}),
    ("DELETE", "/files/abc", None, {}),
    ("OPTIONS", "/speech/voice-cloning", None, {}),
    ("BREW", "/speech/voice-cloning", None, {}),
    ("GET", "/" + "x/" * 2000, None, {}),
    ("POST", "/_emulator/clock", {"mode": "warp"}, JSON),
    ("POST", "/_emulator/clock", {"now": "yesterday"}, JSON),
    ("POST", "/_emulator/clock", {"time_scale": -1}, JSON),
    ("POST", "/_emulator/advance", {"alias": "x", "to": "sideways"}, JSON),
    ("POST", "/_emulator/advance", {}, JSON),
    ("POST", "/_emulator/credits", {"org": "o", "balance": "lots"}, JSON),
    ("POST", "/_emulator/keys", {"key": 5}, JSON),
    ("POST", "/_emulator/clones", {"alias": "x", "status": "weird"}, JSON),
    ("POST", "/_emulator/clones", {"alias": "x", "filesUsed": "f"}, JSON),
    ("POST", "/_emulator/clones", {"alias": "x", "key": "unknown"}, JSON),
    ("POST", "/_emulator/reset", {"credits": "many"}, JSON),
    ("POST", "/_emulator/rate-limit", {"per_second": 0}, JSON),
    ("POST", "/_emulator/faults", b"[]", JSON),
    ("GET", "/_emulator/nothing", None, {}),
    ("PATCH", "/_emulator/state", None, {}),
]


def _content(body: Any) -> bytes | None:
    if body is None or isinstance(body, bytes):
        return body
    return json.dumps(body).encode()


def _assert_clean_4xx(reply: httpx.Response, case: object) -> None:
    assert 400 <= reply.status_code < 500, (case, reply.status_code, reply.text[:200])
    body = reply.json()
    assert isinstance(body["message"], str) and body["message"], case


@pytest.fixture
def served(emulator: Emulator) -> Iterator[RunningServer]:
    running = serve_in_thread(emulator)
    yield running
    running.close()


@pytest.mark.parametrize("door", ["in-process", "served"])
def test_hostile_requests_get_a_json_4xx_and_never_a_500(
    emulator: Emulator, served: RunningServer, door: str
) -> None:
    if door == "served":
        http = httpx.Client(base_url=served.base_url)
    else:
        transport = EmulatorTransport(emulator)
        http = httpx.Client(base_url=transport.base_url, transport=transport)
    with http:
        for method, path, body, headers in CORPUS:
            reply = http.request(
                method, path, content=_content(body), headers={"x-api-key": "emulator", **headers}
            )
            _assert_clean_4xx(reply, (method, path[:60]))
        assert (
            http.get("/speech/voice-cloning", headers={"x-api-key": "emulator"}).status_code == 200
        )
    assert emulator.internal_errors == []


def _raw(served: RunningServer, data: bytes) -> bytes:
    host, port = served.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    "raw",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /folders HTTP/9.9\r\n\r\n",
        b"POST /files HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        b"POST /files HTTP/1.1\r\nHost: x\r\nContent-Length: zebra\r\n\r\n",
        b"POST /files HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n",
        b"PUT /_upload/a?sig=b HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n",
        b"POST /files HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"GET /folders HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 70_000 + b"\r\n\r\n",
    ],
)
def test_malformed_http_gets_a_json_4xx_and_the_server_lives_on(
    emulator: Emulator, served: RunningServer, raw: bytes
) -> None:
    answer = _raw(served, raw)
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert 400 <= status < 500, answer[:300]
    assert isinstance(json.loads(body)["message"], str)
    with httpx.Client(base_url=served.base_url, headers={"x-api-key": "emulator"}) as http:
        assert http.get("/speech/voice-cloning").status_code == 200
    assert emulator.internal_errors == []


def test_wrong_host_header_does_not_leak_into_upload_urls(served: RunningServer) -> None:
    with httpx.Client(base_url=served.base_url, headers={"x-api-key": "emulator"}) as http:
        slot = http.post(
            "/files", json={"file_name": "a.wav"}, headers={"host": "evil.example/x?"}
        ).json()
    assert slot["uploadUrl"].startswith(served.base_url + "/_upload/")
