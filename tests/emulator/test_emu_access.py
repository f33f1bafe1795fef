"""Authentication (E11), x-assume-org, rate limiting (E12) and request ids (E24)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx

from reconciler.emulator.core import Emulator


def test_missing_or_empty_key_is_401(
    emulator: Emulator, make_client: Callable[..., httpx.Client]
) -> None:
    for key in (None, "", "   "):
        with make_client(emulator, key=key) as anonymous:
            reply = anonymous.get("/speech/voice-cloning", params={"alias": "a"})
        assert reply.status_code == 401
        assert reply.json() == {"message": "missing API key: send it in the x-api-key header"}


def test_unknown_key_is_403_and_never_echoed(
    emulator: Emulator, make_client: Callable[..., httpx.Client]
) -> None:
    with make_client(emulator, key="sk-CANARY-123456") as stranger:
        reply = stranger.post("/files", json={"file_name": "a.wav"})
    assert (reply.status_code, reply.json()) == (403, {"message": "invalid API key"})
    assert "CANARY" not in reply.text
    assert "CANARY" not in str(emulator.backend.log.entries())


def test_assume_org_selects_a_secondary_organisation(
    emulator: Emulator,
    admin: Callable[..., Any],
    make_client: Callable[..., httpx.Client],
) -> None:
    admin("POST", "/keys", {"key": "second", "org": "org-2", "user": "user-default"})
    admin("POST", "/credits", {"org": "org-2", "balance": 42})
    with make_client(emulator, **{"x-assume-org": "org-2"}) as client:
        meta = client.get("/speech/voice-cloning").json()["meta"]
    assert meta["creditsRemaining"] == 42
    with make_client(emulator, **{"x-assume-org": "org-x"}) as client:
        reply = client.get("/speech/voice-cloning")
    assert (reply.status_code, reply.json()) == (
        403,
        {"message": "not a member of organisation 'org-x'"},
    )


def test_rate_limit_answers_429_with_retry_after(
    client: httpx.Client, admin: Callable[..., Any]
) -> None:
    admin("POST", "/clock", {"now": 1_000_000})
    admin("POST", "/rate-limit", {"per_second": 2})
    statuses = [client.get("/speech/voice-cloning").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = client.get("/speech/voice-cloning")
    assert limited.json() == {"message": "Too Many Requests"}
    assert limited.headers["retry-after"] == "1"
    admin("POST", "/clock", {"advance_s": 1})
    assert client.get("/speech/voice-cloning").status_code == 200


def test_rate_limit_is_off_by_default_and_set_by_the_constructor() -> None:
    limited, default = Emulator(rate_limit=1), Emulator()
    assert limited.backend.limiter.per_second == 1
    assert default.backend.limiter.per_second is None
    limited.close()
    default.close()


def test_every_reply_carries_a_request_id_that_the_log_records(
    client: httpx.Client, admin: Callable[..., Any]
) -> None:
    ok = client.get("/speech/voice-cloning", headers={"x-customer-trace-id": "run-7"})
    bad = client.get("/no/such/route")
    assert bad.status_code == 404
    assert bad.json() == {"message": "no route for GET /no/such/route"}
    for reply in (ok, bad):
        uuid.UUID(reply.headers["x-request-id"])
    log = admin("GET", "/requests")["requests"]
    assert [entry["requestId"] for entry in log] == [
        ok.headers["x-request-id"],
        bad.headers["x-request-id"],
    ]
    assert ok.json()["meta"]["requestId"] == ok.headers["x-request-id"]
    first = log[0]
    assert (first["method"], first["path"], first["status"]) == (
        "GET",
        "/speech/voice-cloning",
        200,
    )
    assert (first["inFlight"], first["traceId"], first["route"]) == (
        1,
        "run-7",
        "/speech/voice-cloning",
    )


def test_admin_calls_are_not_in_the_request_log(
    client: httpx.Client, admin: Callable[..., Any]
) -> None:
    admin("GET", "/state")
    admin("POST", "/clock", {"advance_s": 1})
    assert admin("GET", "/requests")["requests"] == []


def test_upload_signatures_never_reach_the_log(
    client: httpx.Client, admin: Callable[..., Any], upload_file: Callable[..., str]
) -> None:
    upload_file(client, "a.wav", b"x")
    (put,) = [e for e in admin("GET", "/requests")["requests"] if e["method"] == "PUT"]
    assert put["query"] == "sig=%2A%2A%2A"
