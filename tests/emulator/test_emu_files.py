"""Files and Folders API of the emulator (api-contract.md §3, E15-E19, E25)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from reconciler.emulator.core import Emulator


def test_upload_flow_ends_uploaded_with_float_duration(
    emulator: Emulator,
    client: httpx.Client,
    wav: Callable[..., bytes],
    make_client: Callable[..., httpx.Client],
) -> None:
    slot = client.post("/files", json={"file_name": "take-01.wav", "folder_id": None}).json()
    assert set(slot) == {"fileId", "uploadUrl", "mimeType"}
    assert slot["mimeType"] == "audio/wav"
    assert slot["uploadUrl"].startswith("http://emulator.invalid/_upload/" + slot["fileId"])
    pending = client.get(f"/files/{slot['fileId']}").json()
    assert pending["status"] == "pending"
    assert "url" not in pending and "duration" not in pending
    data = wav(2.5)
    with make_client(emulator, key=None) as bare:  # upload URLs get no API key
        put = bare.put(slot["uploadUrl"], content=data, headers={"content-type": "audio/wav"})
    assert (put.status_code, put.content) == (200, b"")
    item = client.get(f"/files/{slot['fileId']}").json()
    assert item["status"] == "uploaded"
    assert item["duration"] == 2.5
    assert item["size"] == len(data)
    assert item["fileName"] == "take-01.wav"
    assert item["accessControl"] == "private"
    assert item["fileCategory"] is None
    download = client.get(item["url"])
    assert download.content == data


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("a.wav", "audio/wav"),
        ("b.MP3", "audio/mpeg"),
        ("c.flac", "audio/flac"),
        ("d.ogg", "audio/ogg"),
        ("e.m4a", "audio/mp4"),
    ],
)
def test_mime_type_is_derived_from_the_extension(
    client: httpx.Client, name: str, mime: str
) -> None:
    assert client.post("/files", json={"file_name": name}).json()["mimeType"] == mime


def test_unsupported_extension_is_rejected_at_post_files(client: httpx.Client) -> None:
    reply = client.post("/files", json={"file_name": "notes.txt"})
    assert reply.status_code == 400
    assert reply.json() == {
        "message": "unsupported file type '.txt' (expected wav, mp3, flac, ogg, m4a)"
    }


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.wav", "a/b.wav", "a\\b.wav", "..", "x\x00.wav", "\x1b[31m.wav"]
)
def test_path_tricks_in_file_names_are_rejected(client: httpx.Client, name: str) -> None:
    reply = client.post("/files", json={"file_name": name})
    assert reply.status_code == 400
    assert "file_name" in reply.json()["message"]


def test_bytes_that_are_not_audio_leave_the_file_failed(
    client: httpx.Client, upload_file: Callable[..., str]
) -> None:
    file_id = upload_file(client, "noise.wav", b"this is not audio at all")
    item = client.get(f"/files/{file_id}").json()
    assert item["status"] == "failed"
    assert "duration" not in item


def _slot(client: httpx.Client) -> dict[str, Any]:
    return dict(client.post("/files", json={"file_name": "a.wav"}).json())


def test_upload_with_wrong_content_type_is_refused(
    client: httpx.Client, wav: Callable[..., bytes]
) -> None:
    slot = _slot(client)
    reply = client.put(slot["uploadUrl"], content=wav(2), headers={"content-type": "audio/mpeg"})
    assert reply.status_code == 403
    assert reply.json() == {"message": "Content-Type must be audio/wav"}


def test_upload_with_a_bad_signature_is_refused(
    client: httpx.Client, wav: Callable[..., bytes]
) -> None:
    slot = _slot(client)
    url = slot["uploadUrl"].split("?")[0] + "?sig=forged"
    reply = client.put(url, content=wav(2), headers={"content-type": "audio/wav"})
    assert (reply.status_code, reply.json()) == (403, {"message": "invalid upload signature"})
    unknown = client.put("/_upload/nope?sig=x", content=b"", headers={"content-type": "audio/wav"})
    assert (unknown.status_code, unknown.json()) == (404, {"message": "upload URL not found"})


def test_upload_url_expires_after_seven_days(
    client: httpx.Client, admin: Callable[..., Any], wav: Callable[..., bytes]
) -> None:
    slot = _slot(client)
    admin("POST", "/clock", {"advance_s": 7 * 86400 + 1})
    reply = client.put(slot["uploadUrl"], content=wav(2), headers={"content-type": "audio/wav"})
    assert (reply.status_code, reply.json()) == (403, {"message": "upload URL expired"})


def test_upload_needs_no_api_key(
    emulator: Emulator, client: httpx.Client, make_client: Callable[..., Any]
) -> None:
    slot = _slot(client)
    with make_client(emulator, key=None) as anonymous:
        reply = anonymous.put(
            slot["uploadUrl"], content=b"x", headers={"content-type": "audio/wav"}
        )
    assert reply.status_code == 200


def test_folder_lookup_by_path_gives_the_folder_first_in_the_chain(client: httpx.Client) -> None:
    assert client.get("/folders", params={"path": "voicectl"}).status_code == 404
    top = client.post("/folders", json={"folder_name": "voicectl", "parent_folder_id": None})
    assert top.status_code == 200
    folder = top.json()
    sub = client.post(
        "/folders", json={"folder_name": "takes", "parent_folder_id": folder["folderId"]}
    ).json()
    listing = client.get("/folders", params={"path": "voicectl"}).json()
    assert listing["currentPathChain"][0]["folderId"] == folder["folderId"]
    assert [f["folderName"] for f in listing["folders"]] == ["takes"]
    nested = client.get("/folders", params={"path": "voicectl/takes"}).json()
    root = client.get("/folders").json()["currentPathChain"]
    assert [f["folderName"] for f in root] == ["root"]  # the Python SDK's get_root_folder_id
    assert [f["folderId"] for f in nested["currentPathChain"]] == [
        sub["folderId"],
        folder["folderId"],
        root[0]["folderId"],
    ]


def test_duplicate_folder_name_is_a_conflict(client: httpx.Client) -> None:
    client.post("/folders", json={"folder_name": "voicectl", "parent_folder_id": None})
    again = client.post("/folders", json={"folder_name": "voicectl", "parent_folder_id": None})
    assert (again.status_code, again.json()) == (
        409,
        {"message": "folder 'voicectl' already exists"},
    )


def test_two_files_may_share_a_name_in_one_folder(client: httpx.Client) -> None:
    folder = client.post("/folders", json={"folder_name": "v"}).json()["folderId"]
    first = client.post("/files", json={"file_name": "a.wav", "folder_id": folder}).json()
    second = client.post("/files", json={"file_name": "a.wav", "folder_id": folder}).json()
    assert first["fileId"] != second["fileId"]


def test_folder_files_are_paged_with_limit_offset_and_total(client: httpx.Client) -> None:
    folder = client.post("/folders", json={"folder_name": "v"}).json()["folderId"]
    made = [
        client.post("/files", json={"file_name": f"{i}.wav", "folder_id": folder}).json()["fileId"]
        for i in range(5)
    ]
    seen: list[str] = []
    offset = 0
    while True:
        page = client.get(f"/folders/{folder}/files", params={"limit": 2, "offset": offset}).json()
        assert page["pagination"] == {"limit": 2, "offset": offset, "total": 5}
        seen += [item["fileId"] for item in page["data"]]
        if len(page["data"]) < 2:
            break
        offset += 2
    assert seen == made
    default = client.get(f"/folders/{folder}/files").json()["pagination"]
    assert default == {"limit": 100, "offset": 0, "total": 5}


@pytest.mark.parametrize("limit", ["0", "1001", "abc", "-5"])
def test_out_of_range_paging_is_a_400(client: httpx.Client, limit: str) -> None:
    folder = client.post("/folders", json={"folder_name": "v"}).json()["folderId"]
    reply = client.get(f"/folders/{folder}/files", params={"limit": limit})
    assert reply.status_code == 400
    assert reply.json() == {"message": "limit must be an integer from 1 to 1000"}


def test_files_of_another_org_are_not_found(
    emulator: Emulator,
    client: httpx.Client,
    admin: Callable[..., Any],
    make_client: Callable[..., Any],
) -> None:
    slot = _slot(client)
    admin("POST", "/keys", {"key": "other-key", "org": "org-2", "user": "user-2"})
    with make_client(emulator, key="other-key") as other:
        reply = other.get(f"/files/{slot['fileId']}")
    assert reply.status_code == 404
    assert reply.json() == {"message": f"file '{slot['fileId']}' not found"}


def test_unknown_folder_for_a_new_file_is_not_found(client: httpx.Client) -> None:
    reply = client.post("/files", json={"file_name": "a.wav", "folder_id": "nope"})
    assert (reply.status_code, reply.json()) == (404, {"message": "folder 'nope' not found"})
