"""Audit: contract statements no other emulator test pinned down (api-contract.md §1-§5, E1-E25).

Exact shapes of file and folder items, boundaries of the engine limits and the E4 timing,
the alias-holding statuses of E7, E6 input order, credits of the standard engine, and the
admin dump's sections.
"""

from __future__ import annotations

import io
import uuid
import wave
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from reconciler.emulator.core import Emulator

Create = Callable[..., httpx.Response]
History = Callable[[httpx.Client, str], list[dict[str, Any]]]
Upload = Callable[..., str]
Wav = Callable[..., bytes]

FILE_ITEM = {
    "fileId", "fileName", "folderId", "createdBy", "createdAt", "updatedAt", "fileType",
    "fileCategory", "size", "status", "accessControl",
}  # fmt: skip
FOLDER_ITEM = {"folderId", "folderName", "parentFolderId", "createdBy", "createdAt"}
T0 = 1_700_000_000


def _wav8(size: int) -> bytes:
    """An 8-bit mono WAV of exactly `size` bytes (44-byte header), for byte-exact limits."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(16000)
        out.writeframes(b"\x80" * (size - 44))
    data = buffer.getvalue()
    assert len(data) == size
    return data


def test_file_items_have_exactly_the_documented_fields(
    client: httpx.Client, upload_file: Upload, wav: Wav
) -> None:
    pending = client.post("/files", json={"file_name": "p.wav", "category_id": "cat-1"})
    assert pending.status_code == 200  # category_id is optional and unused (§3)
    item = client.get(f"/files/{pending.json()['fileId']}").json()
    assert set(item) == FILE_ITEM  # no url and no duration before the upload
    assert (item["fileCategory"], item["size"], item["folderId"]) == (None, 0, None)
    done = client.get(f"/files/{upload_file(client, 'u.wav', wav(2.0))}").json()
    assert set(done) == FILE_ITEM | {"url", "duration"}
    uuid.UUID(done["fileId"])
    assert set(done["fileType"]) == {"id", "name"}
    assert isinstance(done["size"], int) and isinstance(done["duration"], float)
    assert done["createdBy"] == "user-default"
    assert done["createdAt"].endswith("Z") and done["updatedAt"] >= done["createdAt"]


def test_folder_items_and_listings_have_exactly_the_documented_fields(
    client: httpx.Client,
) -> None:
    top = client.post("/folders", json={"folder_name": "voicectl", "parent_folder_id": None})
    assert set(top.json()) == FOLDER_ITEM
    assert top.json()["parentFolderId"] is None
    listing = client.get("/folders", params={"path": "voicectl"}).json()
    assert set(listing) == {"folders", "files", "currentPathChain"}
    folder = top.json()["folderId"]
    page = client.get(f"/folders/{folder}/files", params={"limit": 1000, "offset": 5}).json()
    assert page == {"data": [], "pagination": {"limit": 1000, "offset": 5, "total": 0}}


def test_folder_names_are_unique_per_parent_only(client: httpx.Client) -> None:
    parents = [client.post("/folders", json={"folder_name": n}).json()["folderId"] for n in "ab"]
    for parent in parents:
        same = client.post("/folders", json={"folder_name": "takes", "parent_folder_id": parent})
        assert same.status_code == 200
    assert client.get("/folders", params={"path": "b/takes"}).status_code == 200


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_there_are_no_legacy_content_routes(client: httpx.Client, method: str) -> None:
    reply = client.request(method, "/content/file", json={} if method == "POST" else None)
    assert (reply.status_code, reply.json()) == (
        404,
        {"message": f"no route for {method} /content/file"},
    )


def test_an_authorization_bearer_header_carries_the_key_as_the_js_sdk_sends_it(
    emulator: Emulator, make_client: Callable[..., httpx.Client]
) -> None:
    """lib/utils/Request.js: with `jwt` the key goes in `Authorization: Bearer`."""
    with make_client(emulator, key=None, authorization="Bearer emulator") as bearer:
        assert bearer.get("/speech/voice-cloning").status_code == 200
    with make_client(emulator, key=None, authorization="Bearer nope") as wrong:
        assert wrong.get("/speech/voice-cloning").status_code == 403
    with make_client(emulator, key=None, authorization="Basic emulator") as basic:
        assert basic.get("/speech/voice-cloning").status_code == 401


def test_upload_url_is_still_valid_just_before_seven_days(
    client: httpx.Client, admin: Callable[..., Any], wav: Wav
) -> None:
    admin("POST", "/clock", {"now": T0})
    slot = client.post("/files", json={"file_name": "a.wav"}).json()
    admin("POST", "/clock", {"advance_s": 7 * 86400 - 5})
    put = client.put(slot["uploadUrl"], content=wav(2.0), headers={"content-type": "audio/wav"})
    assert put.status_code == 200


def test_engine_and_voice_engine_may_both_be_sent_when_equal(
    client: httpx.Client, voice_files: list[str]
) -> None:
    body = {"fileIds": voice_files, "alias": "both", "engine": "voice_engine_3",
            "voiceEngine": "voice_engine_3"}  # fmt: skip
    assert client.post("/speech/voice-cloning", json=body).status_code == 202


def test_files_used_keeps_the_input_order(
    client: httpx.Client, create: Create, history: History, voice_files: list[str]
) -> None:
    backwards = list(reversed(voice_files))
    create(client, "order", backwards)
    assert history(client, "order")[0]["filesUsed"] == backwards


@pytest.mark.parametrize(
    ("status", "expected"),
    [("preparing", 409), ("in_progress", 409), ("succeeded", 409), ("failed", 202)],
)
def test_which_record_statuses_hold_an_alias(
    client: httpx.Client,
    admin: Callable[..., Any],
    create: Create,
    voice_files: list[str],
    status: str,
    expected: int,
) -> None:
    admin("POST", "/clock", {"mode": "manual"})
    admin("POST", "/clones", {"alias": "held", "status": status, "foreign": True})
    assert create(client, "held", voice_files).status_code == expected


@pytest.mark.parametrize("alias", ["a1", "x" * 64, "0_under-score"])
def test_aliases_at_the_edges_of_the_pattern_are_accepted(
    client: httpx.Client, create: Create, voice_files: list[str], alias: str
) -> None:
    assert create(client, alias, voice_files).status_code == 202


def test_metadata_at_its_limits_is_accepted(
    client: httpx.Client, create: Create, history: History, voice_files: list[str]
) -> None:
    metadata: dict[str, Any] = {f"k{i}": i for i in range(31)}
    metadata["long"] = "y" * 256
    assert create(client, "meta", voice_files, metadata=metadata).status_code == 202
    assert history(client, "meta")[0]["metadata"] == metadata


def test_megabytes_are_decimal_at_the_instant_engine_size_limit(
    client: httpx.Client, upload_file: Upload
) -> None:
    exact = upload_file(client, "exact.wav", _wav8(10_000_000))
    over = upload_file(client, "over.wav", _wav8(10_000_001))
    body = {"alias": "sized", "engine": "voice_engine_3"}
    assert client.post("/speech/voice-cloning", json={**body, "fileIds": [exact]}).status_code == (
        202
    )
    reply = client.post("/speech/voice-cloning", json={**body, "alias": "big", "fileIds": [over]})
    assert reply.json()["errors"] == [
        "total file size 10000001 bytes exceeds 10 MB for voice_engine_3"
    ]


def test_standard_engine_file_count_limit_leaves_out_the_consent_file(
    client: httpx.Client,
) -> None:
    def errors(count: int) -> list[str]:
        body = {"fileIds": [f"f{i}" for i in range(count)], "alias": "std",
                "engine": "voice_engine_2", "consentFileId": "consent"}  # fmt: skip
        return list(client.post("/speech/voice-cloning", json=body).json()["errors"])

    assert not any(e.startswith("too many files") for e in errors(500))
    assert "too many files: 501 > 500 for voice_engine_2" in errors(501)


def _status_at(client: httpx.Client, admin: Callable[..., Any], alias: str, at: float) -> str:
    admin("POST", "/clock", {"now": T0 + at})
    records = client.get("/speech/voice-cloning", params={"alias": alias}).json()["data"]
    return str(records[0]["status"])


def test_time_mode_phase_lengths_of_both_engines(
    client: httpx.Client,
    admin: Callable[..., Any],
    create: Create,
    upload_file: Upload,
    wav: Wav,
) -> None:
    admin("POST", "/clock", {"mode": "time", "now": T0})
    instant = upload_file(client, "i.wav", wav(2.0))
    admin("POST", "/clock", {"now": T0})  # phases count from the create, not the upload
    create(client, "instant", [instant])
    expected = [(1.5, "preparing"), (2.5, "in_progress"), (11.5, "in_progress")]
    for at, status in [*expected, (12.5, "succeeded")]:
        assert _status_at(client, admin, "instant", at) == status, at
    long_file = upload_file(client, "long.wav", wav(1201.0, seed=1, rate=1000))
    consent = upload_file(client, "consent.wav", wav(2.0, seed=2))
    admin("POST", "/clock", {"now": T0})  # a slow upload on a loaded machine takes real time
    create(client, "standard", [long_file], engine="voice_engine_2", consentFileId=consent)
    expected = [(59, "preparing"), (61, "in_progress"), (60 + 7199, "in_progress")]
    for at, status in [*expected, (60 + 7201, "succeeded")]:
        assert _status_at(client, admin, "standard", at) == status, at


def test_the_default_clock_mode_is_time_and_reset_restores_the_constructor_mode(
    make_client: Callable[..., httpx.Client],
) -> None:
    default = Emulator()
    assert default.clock.mode == "time"
    default.close()
    manual = Emulator(clock_mode="manual")
    with make_client(manual) as client:
        client.post("/_emulator/clock", json={"mode": "immediate"})
        client.post("/_emulator/reset")
        assert client.get("/_emulator/state").json()["clock"]["mode"] == "manual"
    manual.close()


def test_standard_engine_charges_1200_on_success_and_every_envelope_shows_it(
    client: httpx.Client,
    admin: Callable[..., Any],
    create: Create,
    history: History,
    upload_file: Upload,
    wav: Wav,
) -> None:
    admin("POST", "/clock", {"mode": "manual"})
    long_file = upload_file(client, "long.wav", wav(1201.0, seed=1, rate=1000))
    consent = upload_file(client, "consent.wav", wav(2.0, seed=2))
    create(client, "std", [long_file], engine="voice_engine_2", consentFileId=consent)
    admin("POST", "/advance", {"alias": "std"})
    (running,) = history(client, "std")
    assert running["status"] == "in_progress"
    assert (running["providerId"], running["finishedAt"], running["failReason"]) == (
        "Not available yet.",
        None,
        None,
    )
    admin("POST", "/advance", {"alias": "std"})
    for path in ("/speech/voice-cloning", "/speech/voice", "/speech/voice/std"):
        assert client.get(path).json()["meta"]["creditsRemaining"] == 8_800, path


def test_a_failed_record_keeps_the_pending_provider_id(
    client: httpx.Client,
    admin: Callable[..., Any],
    create: Create,
    history: History,
    voice_files: list[str],
) -> None:
    admin("POST", "/clock", {"mode": "manual"})
    created = create(client, "doomed", voice_files).json()["data"]
    uuid.UUID(created["cloneId"])
    admin("POST", "/advance", {"alias": "doomed", "to": "failed", "failReason": "bad take"})
    (record,) = history(client, "doomed")
    assert (record["status"], record["providerId"], record["failReason"]) == (
        "failed",
        "Not available yet.",
        "bad take",
    )
    assert isinstance(record["finishedAt"], int)


def test_state_dump_and_request_log_carry_the_documented_sections(
    client: httpx.Client, admin: Callable[..., Any]
) -> None:
    client.get("/folders")
    state = admin("GET", "/state")
    assert {"orgs", "files", "folders", "clones", "credits"} <= set(state)
    (entry,) = admin("GET", "/requests")["requests"]
    assert {"time", "method", "path", "status", "inFlight", "requestId"} <= set(entry)
    assert isinstance(entry["time"], float)
