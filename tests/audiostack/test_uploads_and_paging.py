"""Headers, the three-step upload and folder paging, against a scripted peer."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.audiostack.retry import RetryPolicy
from reconciler.audiostack.uploadbody import hashed_chunks
from reconciler.model.errors import (
    BadRequestError,
    ServerError,
    TransportError,
    UploadMismatchError,
)
from reconciler.model.values import FolderId, Sha256
from tests.support.clientrig import KEY, envelope, reply

MakeClient = Callable[..., Any]
SLOT = {
    "fileId": "file-1",
    "uploadUrl": "https://uploads.test/bucket/file-1?sig=s3cr3t",
    "mimeType": "audio/wav",
}


def _item(status: str, name: str = "3fa85f6457174562-take.wav") -> dict[str, Any]:
    return {
        "fileId": "file-1",
        "fileName": name,
        "folderId": "fold-1",
        "size": 4,
        "status": status,
        "duration": 2.5 if status == "uploaded" else None,
        "createdAt": "2024-05-01T10:00:00Z",
    }


def _audio(tmp_path: Path, content: bytes = b"RIFF-data") -> tuple[Path, Sha256]:
    path = tmp_path / "take.wav"
    path.write_bytes(content)
    return path, Sha256(hashlib.sha256(content).hexdigest())


def test_api_calls_carry_key_org_and_trace_headers(make_client: MakeClient) -> None:
    client, peer = make_client(reply(200, envelope([])), org_id="org-2", trace_id="run-42")
    client.list_clones()
    headers = peer.seen[0].headers
    assert headers["x-api-key"] == KEY
    assert headers["x-assume-org"] == "org-2"
    assert headers["x-customer-trace-id"] == "run-42"
    assert "authorization" not in headers


def test_upload_puts_bytes_without_the_key_then_polls_until_uploaded(
    make_client: MakeClient, tmp_path: Path, clock: Any
) -> None:
    path, sha = _audio(tmp_path)
    client, peer = make_client(
        reply(200, SLOT),
        reply(503, b"busy"),
        reply(200),
        reply(200, _item("pending")),
        reply(200, _item("uploaded")),
    )
    remote = client.upload(FolderId("fold-1"), "3fa85f6457174562-take.wav", path, sha)
    assert (remote.file_id, remote.status, remote.duration_s) == ("file-1", "uploaded", 2.5)
    assert peer.paths == [
        "POST /files",
        "PUT /bucket/file-1",
        "PUT /bucket/file-1",
        "GET /files/file-1",
        "GET /files/file-1",
    ]
    post, put = peer.seen[0], peer.seen[2]
    assert post.read() == b'{"file_name":"3fa85f6457174562-take.wav","folder_id":"fold-1"}'
    assert put.read() == b"RIFF-data"
    assert put.headers["content-type"] == "audio/wav"
    assert put.headers["content-length"] == "9"
    assert "transfer-encoding" not in put.headers
    assert "x-api-key" not in put.headers
    assert "x-customer-trace-id" not in put.headers
    assert str(put.url) == SLOT["uploadUrl"]


def test_upload_refuses_a_file_whose_bytes_changed_since_validation(
    make_client: MakeClient, tmp_path: Path
) -> None:
    path, sha = _audio(tmp_path)
    path.write_bytes(b"RIFF-DATA")  # same size, other content
    client, peer = make_client(reply(200, SLOT), reply(200))
    with pytest.raises(UploadMismatchError) as caught:
        client.upload(FolderId("fold-1"), "x-take.wav", path, sha)
    assert str(caught.value) == (
        "x-take.wav changed since it was validated (sha256 or size differs); "
        "run validate/plan again"
    )
    assert peer.paths == ["POST /files"]  # the PUT never completed


def test_upload_stream_refuses_a_file_that_grew_before_sending_its_last_byte(
    tmp_path: Path,
) -> None:
    path, sha = _audio(tmp_path)
    size = path.stat().st_size
    path.write_bytes(b"RIFF-data" + b"more")
    sent: list[bytes] = []
    with pytest.raises(UploadMismatchError):
        sent.extend(hashed_chunks(path, size, sha, "take.wav"))
    assert sum(map(len, sent)) < size  # the server never sees a complete body


def test_upload_reports_a_file_the_server_could_not_process(
    make_client: MakeClient, tmp_path: Path
) -> None:
    path, sha = _audio(tmp_path)
    client, _ = make_client(reply(200, SLOT), reply(200), reply(200, _item("failed")))
    with pytest.raises(BadRequestError) as caught:
        client.upload(FolderId("fold-1"), "x-take.wav", path, sha)
    assert str(caught.value) == (
        "GET /files/file-1: the server could not process x-take.wav (status failed)"
    )


def test_list_folder_files_pages_until_a_short_page(make_client: MakeClient) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        count = max(0, min(100, 205 - offset))
        items = [
            dict(_item("uploaded", f"n{offset + i}"), fileId=f"id{offset + i}")
            for i in range(count)
        ]
        return reply(
            200, {"data": items, "pagination": {"limit": 100, "offset": offset, "total": 205}}
        )

    client, peer = make_client(page)
    files = client.list_folder_files(FolderId("fold-1"))
    assert len(files) == 205
    assert files[204].name == "n204"
    assert [r.url.params["offset"] for r in peer.seen] == ["0", "100", "200"]


def test_a_short_page_among_pages_read_at_once_is_read_again_in_turn(
    make_client: MakeClient,
) -> None:
    """A server that caps one page (or a folder that changed under the read): the pages
    read at once no longer line up, so the listing is read again one page after another
    and still holds every file once."""
    capped = {"200": 60}  # the third page comes back short once

    def page(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        count = max(0, min(capped.pop(str(offset), 100), 350 - offset))
        items = [
            dict(_item("uploaded", f"n{offset + i}"), fileId=f"id{offset + i}")
            for i in range(count)
        ]
        return reply(
            200, {"data": items, "pagination": {"limit": 100, "offset": offset, "total": 350}}
        )

    client, peer = make_client(page)
    files = client.list_folder_files(FolderId("fold-1"))
    assert [f.name for f in files] == [f"n{n}" for n in range(350)]
    offsets = [r.url.params["offset"] for r in peer.seen]
    assert sorted(offsets[:4]) == ["0", "100", "200", "300"]
    assert offsets[4:] == ["100", "200", "300"]  # the first page is kept


def test_deadline_bounds_a_slow_exchange_even_with_mock_transport(
    make_client: MakeClient, clock: Any
) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        clock.now += 5  # the handler "takes" 5 s of virtual time

        def body() -> Any:
            for _ in range(10):
                clock.now += 5
                yield b"x"

        return httpx.Response(200, content=body())

    client, _ = make_client(slow, request_deadline_s=12, retry=RetryPolicy(max_attempts=1))
    with pytest.raises(TransportError) as caught:
        client.get_clones("anna")  # type: ignore[arg-type]
    assert str(caught.value) == (
        "GET /speech/voice-cloning?alias=anna: no complete response within 12 s"
    )


def test_a_file_slot_refused_with_429_is_asked_for_again_after_its_retry_after(
    make_client: MakeClient, tmp_path: Path, clock: Any
) -> None:
    path, sha = _audio(tmp_path)
    client, peer = make_client(
        reply(429, {"message": "Too Many Requests"}, retry_after="2"),
        reply(200, SLOT),
        reply(200),
    )
    remote = client.upload(FolderId("fold-1"), "x-take.wav", path, sha, confirm=False)
    assert (remote.file_id, remote.status) == ("file-1", "pending")
    assert peer.paths == ["POST /files", "POST /files", "PUT /bucket/file-1"]
    assert clock.sleeps == [2.0]


def test_a_file_slot_that_fails_with_500_is_not_asked_for_again(
    make_client: MakeClient, tmp_path: Path
) -> None:
    path, sha = _audio(tmp_path)
    client, peer = make_client(reply(500, {"message": "boom"}), reply(200, SLOT))
    with pytest.raises(ServerError, match="HTTP 500"):
        client.upload(FolderId("fold-1"), "x-take.wav", path, sha, confirm=False)
    assert peer.paths == ["POST /files"]  # it may have landed: uploads.py re-lists first
