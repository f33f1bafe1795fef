"""The API key never shows: not in errors (even when the server echoes it), reprs or logs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.audiostack.exchange import RequestRecord
from reconciler.model.errors import (
    ApiError,
    AuthError,
    BadRequestError,
    ConflictError,
    CreditsError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TransportError,
    UploadMismatchError,
)
from reconciler.model.values import Alias, FileId, FolderId, Sha256
from reconciler.model.voiceapi import CloneRequest
from tests.support.clientrig import reply

CANARY = "sk-CANARY-123"
MakeClient = Callable[..., Any]
REQUEST = CloneRequest(alias=Alias("anna"), engine="voice_engine_3", file_ids=(FileId("f1"),))
ECHO = {"message": f"key {CANARY} refused", "errors": [CANARY], "meta": {"requestId": CANARY}}


def _echo(status: int) -> httpx.Response:
    return reply(status, ECHO, x_request_id=CANARY)


def _chain(exc: BaseException | None) -> list[BaseException]:
    found: list[BaseException] = []
    while exc is not None:
        found.append(exc)
        exc = exc.__cause__ or exc.__context__
    return found


def _raise_on_connect(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError(f"cannot reach host with {request.headers['x-api-key']}")


CASES: list[tuple[type[ApiError], Any, Callable[[Any, Path], object]]] = [
    (AuthError, _echo(401), lambda c, p: c.get_clones(Alias("anna"))),
    (AuthError, _echo(403), lambda c, p: c.find_folder("voicectl")),
    (CreditsError, _echo(402), lambda c, p: c.create_clone(REQUEST)),
    (NotFoundError, _echo(404), lambda c, p: c.list_folder_files(FolderId("x"))),
    (ConflictError, _echo(409), lambda c, p: c.create_clone(REQUEST)),
    (BadRequestError, _echo(400), lambda c, p: c.create_clone(REQUEST)),
    (RateLimitedError, _echo(429), lambda c, p: c.create_clone(REQUEST)),
    (ServerError, _echo(500), lambda c, p: c.get_clones(Alias("anna"))),
    (ServerError, reply(200, f"<html>{CANARY}</html>"), lambda c, p: c.get_file(FileId("f"))),
    (TransportError, _raise_on_connect, lambda c, p: c.get_clones(Alias("anna"))),
    (
        UploadMismatchError,
        reply(200, {"fileId": "f", "uploadUrl": "https://u.test/f", "mimeType": "audio/wav"}),
        lambda c, p: c.upload(FolderId("d"), f"{CANARY}.wav", p, Sha256("0" * 64)),
    ),
]


@pytest.mark.parametrize(("kind", "answer", "call"), CASES)
def test_the_key_never_appears_in_errors_reprs_records_or_logs(
    make_client: MakeClient,
    records: list[RequestRecord],
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    kind: type[ApiError],
    answer: Any,
    call: Callable[[Any, Path], object],
) -> None:
    caplog.set_level(logging.DEBUG)
    audio = tmp_path / "take.wav"
    audio.write_bytes(b"RIFF")
    client, peer = make_client(answer, api_key=CANARY)
    with pytest.raises(kind) as caught:
        call(client, audio)
    assert peer.seen[0].headers["x-api-key"] == CANARY  # the key was really in play
    shown = [repr(client), str(client), *map(repr, records), caplog.text]
    for exc in _chain(caught.value):
        shown += [str(exc), repr(exc), *map(str, getattr(exc, "args", ()))]
        shown += [str(getattr(exc, "request_id", "")), str(getattr(exc, "path", ""))]
    leaks = [text for text in shown if CANARY in text]
    assert leaks == []
