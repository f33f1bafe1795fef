"""Audit: bad input never yields a 500 and a key is never echoed (issue 3 "Bad input").

A wrong JSON type in every field of every POST body (public and admin), huge query values,
percent-encoded path tricks and duplicate headers; then a canary key pushed through every
kind of reply, the request log and the state dump.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from reconciler.emulator.core import Emulator
from reconciler.emulator.faults import FaultRule
from reconciler.emulator.seeding import SEED_FIELDS
from reconciler.emulator.server import RunningServer, serve_in_thread

WRONG: tuple[Any, ...] = (
    None, True, 0, -1, 2**64, 1.5, -1e308, "", " ", "x", "\u0000", "x" * 70_000,
    [], [None], ["x", "x"], [1], {}, {"a": None}, {"": 1}, {"a": {"b": [1]}},
)  # fmt: skip
CLONE_FIELDS = ("fileIds", "alias", "engine", "voiceEngine", "metadata", "consentFileId")
FAULT_FIELDS = tuple(sorted(set(FaultRule.__dataclass_fields__) - {"id"}))
ADMIN_BODIES: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "/reset": ({}, ("credits", "seed")),
    "/clock": ({}, ("mode", "now", "advance_s", "time_scale")),
    "/advance": ({"alias": "sweep"}, ("alias", "to", "failReason")),
    "/credits": ({"org": "org-default", "balance": 5}, ("org", "balance")),
    "/keys": ({"key": "k2", "org": "o2", "user": "u2"}, ("key", "org", "user")),
    "/clones": ({"alias": "seeded"}, tuple(sorted(SEED_FIELDS))),
    "/faults": ({"route": "/nothing", "status": 503}, FAULT_FIELDS),
    "/rate-limit": ({"per_second": None}, ("per_second",)),
}
# JSON texts Python's json.dumps would never produce: inf, lone surrogates
RAW_BODIES = (
    b'{"file_name": "a.wav", "folder_id": 1e999}',
    b'{"file_name": "\\ud800.wav"}',
    b'{"folder_name": "\\udfff"}',
    b'{"fileIds": ["x"], "alias": "a-b", "engine": "voice_engine_3", "metadata": {"x": 1e999}}',
    b'{"fileIds": ["\\ud83d"], "alias": "a-b", "engine": "voice_engine_3"}',
)


def _clean(reply: httpx.Response, case: object) -> None:
    assert reply.status_code < 500, (case, reply.status_code, reply.text[:200])
    if reply.status_code >= 400:
        assert isinstance(reply.json()["message"], str), case


def test_a_wrong_type_in_any_public_post_field_is_never_a_500(
    emulator: Emulator,
    client: httpx.Client,
    admin: Callable[..., Any],
    voice_files: list[str],
) -> None:
    admin("POST", "/credits", {"org": "org-default", "balance": 10**12})
    clone = {"fileIds": voice_files[:1], "alias": "sweep", "engine": "voice_engine_3"}
    routes: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
        "/files": ({"file_name": "a.wav"}, ("file_name", "folder_id", "category_id")),
        "/folders": ({"folder_name": "f"}, ("folder_name", "parent_folder_id")),
        "/speech/voice-cloning": (clone, CLONE_FIELDS),
        "/speech/voice-builder": (clone, CLONE_FIELDS),
    }
    for route, (base, fields) in routes.items():
        for field in fields:
            for value in WRONG:
                reply = client.post(route, json={**base, field: value})
                _clean(reply, (route, field, repr(value)[:40]))
    for raw in RAW_BODIES:
        for route in ("/files", "/folders", "/speech/voice-cloning"):
            reply = client.post(route, content=raw, headers={"content-type": "application/json"})
            assert reply.status_code == 400, (route, raw, reply.text)
    assert emulator.internal_errors == []


def test_a_wrong_type_in_any_admin_field_is_never_a_500_now_or_later(
    emulator: Emulator, client: httpx.Client
) -> None:
    def follow_up(case: object) -> None:
        """The bad value must not break later requests either (a clock in year 10^300)."""
        client.delete("/_emulator/faults")
        client.post("/_emulator/rate-limit", json={"per_second": None})
        slot = client.post("/files", json={"file_name": "a.wav"})
        _clean(slot, case)
        if slot.status_code == 200:
            _clean(client.get(f"/files/{slot.json()['fileId']}"), case)
        for path in ("/speech/voice-cloning", "/speech/voice", "/folders", "/_emulator/state"):
            _clean(client.get(path), (case, path))
        assert client.post("/_emulator/reset").status_code == 200

    for route, (base, fields) in ADMIN_BODIES.items():
        for field in fields:
            for value in WRONG:
                case = (route, field, repr(value)[:40])
                _clean(client.post(f"/_emulator{route}", json={**base, field: value}), case)
                follow_up(case)
    for body in ({"now": 1e300}, {"advance_s": -1e12}, {"now": -5}, {"advance_s": 1e300}):
        reply = client.post("/_emulator/clock", json=body)
        assert reply.status_code == 400, body
        assert reply.json() == {"message": "the clock must stay within epoch 0 to 253402300799"}
        follow_up(body)
    for body in ({"org": "o", "balance": 10**30}, {"credits": -(10**16)}):
        route = "/_emulator/credits" if "org" in body else "/_emulator/reset"
        assert client.post(route, json=body).status_code == 400, body
    assert emulator.internal_errors == []


def test_huge_query_values_get_an_answer_not_a_500(
    client: httpx.Client, admin: Callable[..., Any]
) -> None:
    folder = client.post("/folders", json={"folder_name": "v"}).json()["folderId"]
    huge = "a" * 60_000  # httpx refuses longer query strings
    assert client.get("/speech/voice-cloning", params={"alias": huge}).json()["data"] == []
    assert client.get("/folders", params={"path": "v/" * 15_000}).status_code == 404
    assert client.get("/folders", params={"path": huge}).status_code == 404
    for name, value in [
        ("limit", "9" * 5000),
        ("offset", "9" * 5000),
        ("offset", str(10**12 + 1)),
        ("limit", "1e3"),
        ("limit", "\u0663"),
    ]:
        reply = client.get(f"/folders/{folder}/files", params={name: value})
        _clean(reply, (name, value[:20]))
    near_max = client.get(f"/folders/{folder}/files", params={"offset": str(10**12)})
    assert near_max.json()["data"] == []


# --- over a real socket: nothing normalises the request on its way in -------------------


@pytest.fixture
def served(emulator: Emulator) -> Iterator[RunningServer]:
    running = serve_in_thread(emulator)
    yield running
    running.close()


def _exchange(served: RunningServer, head: str, body: bytes = b"") -> tuple[int, bytes, bytes]:
    """Send one raw request (Connection: close) and return (status, headers, body)."""
    host, port = served.base_url.removeprefix("http://").split(":")
    request = head.replace("\n", "\r\n") + "Connection: close\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(request.encode("latin-1") + body)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    answer = b"".join(chunks)
    headers, _, payload = answer.partition(b"\r\n\r\n")
    return int(headers.split(b" ", 2)[1]), headers, payload


@pytest.mark.parametrize(
    "target",
    [
        "/files/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/files/..%2F..%2F_emulator%2Fstate",
        "/files/%",
        "/files/%zz%",
        "/files/%ff%fe%00",
        "/speech/voice/%E2%80%AE%F0%9F%8E%99",
        "/speech/voice/%ED%A0%80",
        "/folders/%00/files",
        "/folders?path=%2e%2e%2f%2e%2e&limit=%00",
        "/speech/voice-cloning%3Falias=x",
        "/speech/voice-cloning?alias=%ED%A0%80",
        "/speech/voice-cloning?alias=" + "%41" * 20_000,
        "//speech/voice-cloning",
        "/speech/voice-cloning/",
        "/speech/./voice-cloning",
        "/_upload/%2e%2e%2f%2e%2e?sig=%00",
        "/%2e%2e/_emulator/state",
        "/_emulator/../speech/voice-cloning",
    ],
)
def test_percent_encoded_path_tricks_are_answered_without_a_500(
    emulator: Emulator, served: RunningServer, target: str
) -> None:
    status, _, body = _exchange(served, f"GET {target} HTTP/1.1\nHost: x\nx-api-key: emulator\n")
    assert status < 500, (target, body[:200])
    if status >= 400:
        assert isinstance(json.loads(body)["message"], str)
    assert emulator.internal_errors == []


def test_duplicate_headers_are_resolved_without_a_500(
    emulator: Emulator, served: RunningServer, wav: Callable[..., bytes]
) -> None:
    get = "GET /speech/voice-cloning HTTP/1.1\nHost: x\n"
    assert _exchange(served, get + "x-api-key: emulator\nx-api-key: bogus\n")[0] == 200
    assert _exchange(served, get + "x-api-key: bogus\nx-api-key: emulator\n")[0] == 403
    assert _exchange(served, get + "x-api-key: emulator\nHost: evil\nx-assume-org: a\n")[0] == 403
    body = b'{"file_name": "a.wav"}'
    post = f"POST /files HTTP/1.1\nHost: x\nx-api-key: emulator\nContent-Length: {len(body)}\n"
    same = _exchange(served, post + f"Content-Length: {len(body)}\n", body)
    assert same[0] == 200
    status, _, answer = _exchange(served, post + "Content-Length: 3\n", body)
    assert (status, json.loads(answer)) == (400, {"message": "conflicting Content-Length headers"})
    slot = json.loads(same[2])
    data = wav(2.0)
    upload = slot["uploadUrl"].removeprefix(served.base_url)
    put = (
        f"PUT {upload} HTTP/1.1\nHost: x\nContent-Length: {len(data)}\n"
        "Content-Type: audio/wav\nContent-Type: text/plain\n"
    )
    assert _exchange(served, put, data)[0] == 200  # the first Content-Type counts
    assert emulator.internal_errors == []


def test_a_key_is_never_echoed_in_replies_the_request_log_or_the_state(
    emulator: Emulator,
    client: httpx.Client,
    served: RunningServer,
    admin: Callable[..., Any],
    make_client: Callable[..., httpx.Client],
    voice_files: list[str],
) -> None:
    canary = "sk-CANARY-7f3e9a"
    admin("POST", "/keys", {"key": canary, "org": "org-canary", "user": "user-canary"})
    admin("POST", "/credits", {"org": "org-canary", "balance": 0})
    seen: list[str] = []
    requests: list[tuple[str, str, Any]] = [
        ("GET", "/speech/voice-cloning?alias=x", None),
        ("GET", "/speech/voice/nobody", None),
        ("GET", f"/files/{voice_files[0]}", None),
        ("POST", "/files", {"file_name": "a.txt"}),
        ("POST", "/speech/voice-cloning", {"fileIds": ["x"], "alias": "A", "engine": "e"}),
        ("DELETE", "/speech/voice-cloning", None),
        ("GET", "/no/such/route", None),
    ]
    bare = make_client(emulator, key=None)
    over_http = httpx.Client(base_url=served.base_url)
    with bare, over_http:
        for http in (bare, over_http):
            for key in (canary, canary + "x", canary.lower()):
                for method, path, body in requests:
                    reply = http.request(method, path, json=body, headers={"x-api-key": key})
                    seen.append(f"{reply.status_code} {reply.headers} {reply.text}")
        admin("POST", "/rate-limit", {"per_second": 1})
        for _ in range(3):
            limited = over_http.get("/speech/voice-cloning", headers={"x-api-key": canary})
            seen.append(f"{limited.headers} {limited.text}")
        assert limited.status_code == 429
    status, headers, answer = _exchange(
        served, f"GET /folders HTTP/9.9\nHost: x\nx-api-key: {canary}\n"
    )
    seen.append(f"{status} {headers!r} {answer!r}")
    seen.append(json.dumps(admin("GET", "/requests")))
    seen.append(json.dumps(admin("GET", "/state")))
    seen.append(json.dumps(admin("GET", "/faults")))
    seen.extend(emulator.internal_errors)
    assert [text for text in seen if "CANARY" in text] == []
