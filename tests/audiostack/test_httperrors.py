"""Every HTTP outcome becomes one typed, one-line, scrubbed ApiError (scripted peer)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from reconciler.model.errors import (
    ApiError,
    AuthError,
    BadRequestError,
    ConflictError,
    CreditsError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from reconciler.model.values import Alias, FileId, FolderId
from reconciler.model.voiceapi import CloneRequest
from tests.support.clientrig import envelope, reply

MakeClient = Callable[..., Any]
REQUEST = CloneRequest(alias=Alias("anna"), engine="voice_engine_3", file_ids=(FileId("f1"),))


@pytest.mark.parametrize(
    ("status", "body", "kind", "message"),
    [
        (
            400,
            {"message": "invalid request", "errors": ["too many files", "unknown fileId f9"]},
            BadRequestError,
            "POST /speech/voice-cloning HTTP 400: invalid request: too many files; "
            "unknown fileId f9",
        ),
        (
            402,
            {"message": "insufficient credits: 300 required, 100 available"},
            CreditsError,
            "POST /speech/voice-cloning HTTP 402: insufficient credits: 300 required, "
            "100 available",
        ),
        (
            409,
            {"message": "alias 'anna' already exists"},
            ConflictError,
            "POST /speech/voice-cloning HTTP 409: alias 'anna' already exists",
        ),
        (
            422,
            {"message": "unprocessable"},
            BadRequestError,
            "POST /speech/voice-cloning HTTP 422: unprocessable",
        ),
        (
            500,
            {"message": "Internal Server Error"},
            ServerError,
            "POST /speech/voice-cloning HTTP 500: Internal Server Error",
        ),
        (
            302,
            None,
            BadRequestError,
            "POST /speech/voice-cloning HTTP 302: unexpected HTTP 302 (Found)",
        ),
    ],
)
def test_create_clone_maps_each_status_to_its_error_without_retrying(
    make_client: MakeClient, status: int, body: Any, kind: type[ApiError], message: str
) -> None:
    client, peer = make_client(reply(status, body))
    with pytest.raises(kind) as caught:
        client.create_clone(REQUEST)
    assert type(caught.value) is kind
    assert str(caught.value) == message
    assert caught.value.status == status
    assert len(peer.seen) == 1


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            401,
            "GET /speech/voice-cloning?alias=anna HTTP 401: authentication failed "
            "(missing API key); check AUDIOSTACK_API_KEY",
        ),
        (
            403,
            "GET /speech/voice-cloning?alias=anna HTTP 403: access denied (missing API key); "
            "check AUDIOSTACK_API_KEY and AUDIOSTACK_ORG_ID",
        ),
    ],
)
def test_bad_key_is_never_retried_and_names_the_variable(
    make_client: MakeClient, clock: Any, status: int, message: str
) -> None:
    client, peer = make_client(reply(status, {"message": "missing API key"}))
    with pytest.raises(AuthError) as caught:
        client.get_clones(Alias("anna"))
    assert str(caught.value) == message
    assert len(peer.seen) == 1
    assert clock.sleeps == []


def test_a_429_on_the_clone_post_is_reported_with_its_retry_after(
    make_client: MakeClient,
) -> None:
    client, peer = make_client(reply(429, {"message": "Too Many Requests"}, retry_after="7"))
    with pytest.raises(RateLimitedError) as caught:
        client.create_clone(REQUEST)
    assert str(caught.value) == "POST /speech/voice-cloning HTTP 429: Too Many Requests"
    assert caught.value.retry_after == 7
    assert len(peer.seen) == 1
    assert client.cooldown.wait_needed() == 7  # later requests of every worker wait


def test_request_id_comes_from_meta_or_else_the_header(make_client: MakeClient) -> None:
    body = {"message": "nope", "meta": {"requestId": "meta-id"}}
    client, _ = make_client(reply(400, body, x_request_id="hdr-id"))
    with pytest.raises(BadRequestError) as caught:
        client.create_clone(REQUEST)
    assert caught.value.request_id == "meta-id"
    client, _ = make_client(reply(409, {"message": "taken"}, x_request_id="hdr-id"))
    with pytest.raises(ConflictError) as conflict:
        client.create_clone(REQUEST)
    assert str(conflict.value) == "POST /speech/voice-cloning HTTP 409: taken (request id hdr-id)"


def test_long_bodies_are_cut_to_256_characters_and_control_characters_stripped(
    make_client: MakeClient,
) -> None:
    client, _ = make_client(reply(400, {"message": "x\x1b[31m" + "y" * 1000}))
    with pytest.raises(BadRequestError) as caught:
        client.create_clone(REQUEST)
    assert caught.value.server_message == "x[31m" + "y" * 250 + "…"
    assert len(caught.value.server_message) == 256


def test_404_means_empty_for_alias_and_file_lookups_but_not_for_listings(
    make_client: MakeClient,
) -> None:
    client, _ = make_client(reply(404, {"message": "Not Found"}))
    assert client.get_clones(Alias("ghost")) == ()
    assert client.get_file(FileId("f-missing")) is None
    assert client.find_folder("voicectl") is None
    with pytest.raises(NotFoundError) as caught:
        client.list_folder_files(FolderId("gone"))
    assert str(caught.value) == ("GET /folders/gone/files?limit=100&offset=0 HTTP 404: Not Found")


@pytest.mark.parametrize("status", [400, 404])
def test_a_refused_list_all_yields_an_incomplete_listing(
    make_client: MakeClient, status: int
) -> None:
    client, _ = make_client(reply(status, {"message": "alias is required"}))
    listing = client.list_clones()
    assert (listing.records, listing.complete, listing.credits_remaining) == ((), False, None)


def test_malformed_records_become_server_errors(make_client: MakeClient) -> None:
    client, _ = make_client(reply(200, envelope([{"cloneId": "c1"}])))
    with pytest.raises(ServerError) as caught:
        client.get_clones(Alias("anna"))
    assert str(caught.value) == (
        "/speech/voice-cloning: unexpected response shape: clone record without cloneId, "
        "alias, voiceEngine or status"
    )


def test_create_folder_conflict_reads_the_existing_folder(make_client: MakeClient) -> None:
    found = {"folders": [], "files": [], "currentPathChain": [{"folderId": "fold-1"}]}
    client, peer = make_client(reply(409, {"message": "folder exists"}), reply(200, found))
    assert client.create_folder("voicectl") == "fold-1"
    assert peer.paths == ["POST /folders", "GET /folders"]


def test_transport_failures_are_chained_from_the_httpx_exception(
    make_client: MakeClient,
) -> None:
    request = httpx.Request("POST", "https://api.test/speech/voice-cloning")
    client, peer = make_client(
        httpx.ConnectError("[Errno 111] Connection refused", request=request)
    )
    with pytest.raises(ApiError) as caught:
        client.create_clone(REQUEST)
    assert str(caught.value) == (
        "POST /speech/voice-cloning: could not connect ([Errno 111] Connection refused)"
    )
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert len(peer.seen) == 1
