"""Retries of idempotent calls against a scripted misbehaving peer (reliability.md R3–R5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from reconciler.audiostack.exchange import RequestRecord
from reconciler.audiostack.retry import RetryPolicy
from reconciler.model.errors import RateLimitedError, ServerError, TransportError
from reconciler.model.values import Alias, FileId
from reconciler.model.voiceapi import CloneRequest
from tests.support.clientrig import envelope, reply

MakeClient = Callable[..., Any]
RECORD = {
    "cloneId": "c1",
    "alias": "anna",
    "voiceEngine": "voice_engine_3",
    "status": "succeeded",
    "startedAt": 100,
}
OK = reply(200, envelope([RECORD], credits=8800))


def test_transient_get_succeeds_after_two_503s_within_jitter_bounds(
    make_client: MakeClient, clock: Any, records: list[RequestRecord]
) -> None:
    busy = reply(503, {"message": "Service Unavailable"})
    client, peer = make_client(busy, busy, OK)
    assert [c.clone_id for c in client.get_clones(Alias("anna"))] == ["c1"]
    assert len(peer.seen) == 3
    assert len(clock.sleeps) == 2
    assert 0 <= clock.sleeps[0] <= 0.5
    assert 0 <= clock.sleeps[1] <= 1.0
    assert [r.status for r in records] == [503, 503, 200]
    assert client.credits_remaining == 8800


def test_retry_after_in_seconds_is_honoured_exactly(make_client: MakeClient, clock: Any) -> None:
    client, _ = make_client(reply(429, {"message": "Too Many Requests"}, retry_after="3"), OK)
    client.get_clones(Alias("anna"))
    assert clock.sleeps == [3.0]
    assert client.cooldown.limit == 4  # 8 → 4


def test_retry_after_as_http_date_is_read_against_the_server_date(
    make_client: MakeClient, clock: Any
) -> None:
    limited = reply(
        429,
        {"message": "Too Many Requests"},
        retry_after="Tue, 14 Nov 2023 22:13:25 GMT",
        date="Tue, 14 Nov 2023 22:13:20 GMT",
    )
    client, _ = make_client(limited, OK)
    client.get_clones(Alias("anna"))
    assert clock.sleeps == [5.0]


def test_retry_after_beyond_the_budget_ends_the_call_without_sleeping(
    make_client: MakeClient, clock: Any
) -> None:
    client, peer = make_client(reply(429, {"message": "Too Many Requests"}, retry_after="86400"))
    with pytest.raises(RateLimitedError) as caught:
        client.get_clones(Alias("anna"))
    assert str(caught.value) == (
        "GET /speech/voice-cloning?alias=anna HTTP 429: rate limited: the server asked to wait "
        "86400 s, more than the 300 s left of this run's retry budget"
    )
    assert clock.sleeps == []
    assert len(peer.seen) == 1


def test_a_503_retry_after_is_honoured_too(make_client: MakeClient, clock: Any) -> None:
    client, _ = make_client(reply(503, {"message": "busy"}, retry_after="2"), OK)
    client.get_clones(Alias("anna"))
    assert clock.sleeps == [2.0]


def test_garbage_replies_are_transient_and_retried(make_client: MakeClient) -> None:
    request = httpx.Request("GET", "https://api.test/speech/voice-cloning")
    client, peer = make_client(
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        reply(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
        reply(504, {"message": "Endpoint request timed out"}),
        httpx.ReadTimeout("timed out", request=request),
        OK,
    )
    assert len(client.get_clones(Alias("anna"))) == 1
    assert len(peer.seen) == 5


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            reply(502, b"<html>\n<body>\n<h1>502 Bad Gateway</h1>\n</body>\n</html>"),
            "GET /speech/voice-cloning?alias=anna HTTP 502: non-JSON response: <html> <body> "
            "<h1>502 Bad Gateway</h1> </body> </html> (gave up after 5 attempts)",
        ),
        (
            reply(200, {"message": "Endpoint request timed out"}),
            "GET /speech/voice-cloning?alias=anna HTTP 200: Endpoint request timed out "
            "(gave up after 5 attempts)",
        ),
        (
            reply(200, b""),
            "GET /speech/voice-cloning?alias=anna HTTP 200: expected JSON, got OK "
            "(gave up after 5 attempts)",
        ),
        (
            httpx.RemoteProtocolError("Server disconnected without sending a response."),
            "GET /speech/voice-cloning?alias=anna: connection closed without a complete "
            "response (gave up after 5 attempts)",
        ),
    ],
)
def test_persistent_garbage_ends_in_one_line_after_five_attempts(
    make_client: MakeClient, answer: Any, message: str
) -> None:
    client, peer = make_client(answer)
    with pytest.raises((ServerError, TransportError)) as caught:
        client.get_clones(Alias("anna"))
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)
    assert len(peer.seen) == 5


def test_the_wait_budget_caps_backoff_sleeps(make_client: MakeClient, clock: Any) -> None:
    busy = reply(503, {"message": "busy"})
    client, _ = make_client(busy, retry=RetryPolicy(budget_s=0.1))
    with pytest.raises(ServerError) as caught:
        client.get_clones(Alias("anna"))
    assert "the run's wait budget has less left" in str(caught.value)
    assert sum(clock.sleeps) <= 0.1


def test_clone_post_and_file_post_are_sent_exactly_once_on_5xx(
    make_client: MakeClient, clock: Any, tmp_path: Any
) -> None:
    client, peer = make_client(reply(503, {"message": "busy"}))
    request = CloneRequest(alias=Alias("anna"), engine="voice_engine_3", file_ids=(FileId("f"),))
    with pytest.raises(ServerError):
        client.create_clone(request)
    audio = tmp_path / "a.wav"
    audio.write_bytes(b"RIFF")
    with pytest.raises(ServerError):
        client.upload("fold", "x-a.wav", audio, "0" * 64)  # type: ignore[arg-type]
    assert peer.paths == ["POST /speech/voice-cloning", "POST /files"]
    assert clock.sleeps == []


def test_on_request_sees_method_path_status_request_id_and_duration_only(
    make_client: MakeClient, records: list[RequestRecord]
) -> None:
    client, _ = make_client(OK)
    client.get_clones(Alias("anna"))
    assert records == [RequestRecord("GET", "/speech/voice-cloning?alias=anna", 200, "req-1", 0.0)]


def test_a_set_cookie_is_never_stored_nor_sent_back(make_client: MakeClient) -> None:
    planted = reply(200, envelope([RECORD]), set_cookie="session=planted; Path=/")
    client, peer = make_client(planted, OK)
    client.list_clones()
    client.list_clones()
    assert peer.seen[0].url.host == "api.test"  # the cookie's own domain
    assert "cookie" not in peer.seen[1].headers
    assert not client._http.cookies
