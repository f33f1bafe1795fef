"""Voice cloning routes: create, history, validation, discards, visibility (api-contract.md §4,
E1-E3, E5-E10, E14, E21, E22)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

Create = Callable[..., httpx.Response]
History = Callable[[httpx.Client, str], list[dict[str, Any]]]

RECORD_FIELDS = {
    "cloneId", "voiceEngine", "alias", "filesUsed", "status", "startedAt", "finishedAt",
    "orgId", "userId", "providerId", "metadata", "failReason", "discardedFiles",
    "consentFileId",
}  # fmt: skip


def test_create_answers_202_with_envelope_and_a_preparing_record(
    client: httpx.Client, create: Create, voice_files: list[str]
) -> None:
    reply = create(client, "anna", voice_files, metadata={"gender": "female"})
    assert reply.status_code == 202
    body = reply.json()
    assert body["message"] == "Voice cloning started"
    assert body["warnings"] == [] and body["errors"] == []
    assert body["meta"]["version"] == "2"
    assert body["meta"]["creditsUsed"] == 0
    assert body["meta"]["creditsRemaining"] == 10_000
    assert body["meta"]["requestId"] == reply.headers["x-request-id"]
    record = body["data"]
    assert set(record) == RECORD_FIELDS
    assert record["status"] == "preparing"
    assert record["filesUsed"] == [] and record["discardedFiles"] == {}
    assert record["providerId"] == "Not available yet."
    assert record["finishedAt"] is None
    assert record["metadata"] == {"gender": "female"}
    assert (record["orgId"], record["userId"]) == ("org-default", "user-default")


def test_status_get_returns_the_history_newest_last(
    client: httpx.Client, create: Create, history: History, voice_files: list[str]
) -> None:
    create(client, "anna", voice_files, metadata={"gender": "female"})
    (record,) = history(client, "anna")
    assert record["status"] == "succeeded"  # immediate mode: the next GET sees the end
    assert record["filesUsed"] == voice_files
    assert record["providerId"] != "Not available yet."
    assert isinstance(record["startedAt"], int) and isinstance(record["finishedAt"], int)


def test_voice_builder_route_and_voice_engine_key_are_served_identically(
    client: httpx.Client, voice_files: list[str], history: History
) -> None:
    body = {"fileIds": voice_files, "alias": "bert", "voiceEngine": "voice_engine_3"}
    assert client.post("/speech/voice-builder", json=body).status_code == 202
    via_builder = client.get("/speech/voice-builder", params={"alias": "bert"}).json()["data"]
    assert via_builder == history(client, "bert")
    assert via_builder[0]["voiceEngine"] == "voice_engine_3"


def test_engine_and_voice_engine_that_differ_are_rejected(
    client: httpx.Client, voice_files: list[str]
) -> None:
    body = {
        "fileIds": voice_files,
        "alias": "bert",
        "engine": "voice_engine_3",
        "voiceEngine": "voice_engine_2",
    }
    reply = client.post("/speech/voice-cloning", json=body)
    assert reply.status_code == 400
    assert reply.json()["message"] == "engine and voiceEngine differ"


def test_unknown_alias_gives_an_empty_list(client: httpx.Client, history: History) -> None:
    assert history(client, "nobody") == []


def test_get_without_alias_lists_every_record_of_the_caller(
    client: httpx.Client, create: Create, voice_files: list[str]
) -> None:
    create(client, "anna", voice_files)
    create(client, "bert", voice_files)
    listing = client.get("/speech/voice-cloning").json()["data"]
    assert [r["alias"] for r in listing] == ["anna", "bert"]


def test_duplicate_alias_is_a_409_naming_the_alias(
    client: httpx.Client, create: Create, voice_files: list[str]
) -> None:
    assert create(client, "anna", voice_files).status_code == 202
    again = create(client, "anna", voice_files)
    assert (again.status_code, again.json()) == (409, {"message": "alias 'anna' already exists"})


def test_a_failed_record_frees_the_alias_and_a_new_post_appends(
    client: httpx.Client,
    create: Create,
    history: History,
    upload_file: Callable[..., str],
    wav: Callable[..., bytes],
) -> None:
    short = upload_file(client, "short.wav", wav(1.0))
    assert create(client, "anna", [short]).status_code == 202
    assert history(client, "anna")[0]["status"] == "failed"
    good = upload_file(client, "good.wav", wav(3.0, seed=9))
    assert create(client, "anna", [good]).status_code == 202
    assert [r["status"] for r in history(client, "anna")] == ["failed", "succeeded"]


def test_unknown_engine_is_a_400_listing_the_allowed_ones(
    client: httpx.Client, create: Create, voice_files: list[str]
) -> None:
    reply = create(client, "anna", voice_files, engine="voice_engine_1")
    assert reply.status_code == 400
    message = "unknown engine 'voice_engine_1' (expected voice_engine_2, voice_engine_3)"
    assert reply.json() == {"message": message, "errors": [message]}


def test_validation_lists_every_problem_in_one_400(
    client: httpx.Client, upload_file: Callable[..., str]
) -> None:
    pending = client.post("/files", json={"file_name": "p.wav"}).json()["fileId"]
    body = {
        "fileIds": ["missing-id", pending],
        "alias": "-Bad",
        "engine": "voice_engine_2",
        "metadata": {"k": [1]},
        "colour": "blue",
    }
    reply = client.post("/speech/voice-cloning", json=body)
    assert reply.status_code == 400
    assert reply.json()["errors"] == [
        "unknown field 'colour'",
        "alias '-Bad' must match ^[a-z0-9][a-z0-9_-]{1,63}$",
        "voice_engine_2 requires consentFileId (a consent recording)",
        "metadata.k must be a string, number or boolean",
        "unknown file 'missing-id'",
        f"file '{pending}' is not uploaded yet (status pending)",
    ]
    assert reply.json()["message"] == "; ".join(reply.json()["errors"])


def test_engine_limits_on_file_count_and_total_size(
    client: httpx.Client, upload_file: Callable[..., str], wav: Callable[..., bytes]
) -> None:
    one = upload_file(client, "one.wav", wav(2.0))
    reply = client.post(
        "/speech/voice-cloning",
        json={"fileIds": [f"f{i}" for i in range(26)], "alias": "many", "engine": "voice_engine_3"},
    )
    assert "too many files: 26 > 25 for voice_engine_3" in reply.json()["errors"]
    big = upload_file(client, "big.wav", wav(320.0))  # 16 kHz × 2 bytes × 320 s ≈ 10.24 MB
    reply = client.post(
        "/speech/voice-cloning",
        json={"fileIds": [one, big], "alias": "huge", "engine": "voice_engine_3"},
    )
    size = 64_044 + 10_240_044
    assert reply.json()["errors"] == [
        f"total file size {size} bytes exceeds 10 MB for voice_engine_3"
    ]


@pytest.mark.parametrize(
    "alias", ["a", "-lead", "UPPER", "has space", "x" * 65, "new\nline", "ümlaut", "ok\n"]
)
def test_alias_pattern_is_enforced(
    client: httpx.Client, voice_files: list[str], alias: str
) -> None:
    reply = client.post(
        "/speech/voice-cloning",
        json={"fileIds": voice_files, "alias": alias, "engine": "voice_engine_3"},
    )
    assert reply.status_code == 400


def test_metadata_limits(client: httpx.Client, voice_files: list[str]) -> None:
    def errors(metadata: Any) -> list[str]:
        body = {"fileIds": voice_files, "alias": "m1", "engine": "voice_engine_3"}
        reply = client.post("/speech/voice-cloning", json={**body, "metadata": metadata})
        return list(reply.json().get("errors", []))

    assert errors({f"k{i}": i for i in range(33)}) == ["metadata has 33 keys (at most 32)"]
    assert errors({"k": "x" * 257}) == ["metadata.k is longer than 256 characters"]
    assert errors({"k": None}) == ["metadata.k must be a string, number or boolean"]
    assert errors({"k": {"nested": 1}}) == ["metadata.k must be a string, number or boolean"]


def test_metadata_is_echoed_verbatim(
    client: httpx.Client, create: Create, history: History, voice_files: list[str]
) -> None:
    metadata = {
        "gender": "female",
        "n": 3,
        "x": 1.5,
        "ok": True,
        "name": "Zoë 🎙",
        "managed_by": "v",
    }
    create(client, "anna", voice_files, metadata=metadata)
    assert history(client, "anna")[0]["metadata"] == metadata


def test_discarded_files_carry_reasons_and_leave_files_used(
    client: httpx.Client,
    create: Create,
    history: History,
    upload_file: Callable[..., str],
    wav: Callable[..., bytes],
) -> None:
    good = upload_file(client, "good.wav", wav(3.0, seed=1))
    short = upload_file(client, "short.wav", wav(1.2, seed=2))
    broken = upload_file(client, "broken.wav", b"RIFF....not a wav")
    copy = upload_file(client, "copy.wav", wav(3.0, seed=1))
    create(client, "anna", [good, short, broken, copy])
    (record,) = history(client, "anna")
    assert record["status"] == "succeeded"
    assert record["filesUsed"] == [good]
    assert record["discardedFiles"] == {
        short: "too short: 1.2 s < 1.5 s",
        broken: "unreadable audio",
        copy: f"duplicate content of {good}",
    }
    assert set(record["filesUsed"]) | set(record["discardedFiles"]) == {good, short, broken, copy}


def test_not_enough_audio_fails_with_the_amount_used(
    client: httpx.Client,
    create: Create,
    history: History,
    upload_file: Callable[..., str],
    wav: Callable[..., bytes],
) -> None:
    files = [upload_file(client, f"{i}.wav", wav(2.0, seed=i)) for i in range(2)]
    consent = upload_file(client, "consent.wav", wav(2.0, seed=99))
    assert (
        create(client, "std", files, engine="voice_engine_2", consentFileId=consent).status_code
        == 202
    )
    (record,) = history(client, "std")
    assert record["status"] == "failed"
    assert record["failReason"] == "not enough audio: 4.0 s used, 1200 s required"
    assert record["filesUsed"] == files
    assert record["consentFileId"] == consent


def test_a_clone_of_only_discarded_files_fails(
    client: httpx.Client,
    create: Create,
    history: History,
    upload_file: Callable[..., str],
    wav: Callable[..., bytes],
) -> None:
    short = upload_file(client, "short.wav", wav(1.0))
    create(client, "tiny", [short])
    (record,) = history(client, "tiny")
    assert record["status"] == "failed"
    assert record["failReason"] == "not enough audio: 0.0 s used, 1.5 s required"
    assert record["discardedFiles"] == {short: "too short: 1.0 s < 1.5 s"}
