"""Emulator clone records across users and orgs: who sees a record, whose alias and files
they are, and the routes that do not exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from reconciler.emulator.core import Emulator

Create = Callable[..., httpx.Response]
History = Callable[[httpx.Client, str], list[dict[str, Any]]]

RECORD_FIELDS = {
    "cloneId", "voiceEngine", "alias", "filesUsed", "status", "startedAt", "finishedAt",
    "orgId", "userId", "providerId", "metadata", "failReason", "discardedFiles",
    "consentFileId",
}  # fmt: skip


def test_another_user_of_the_same_org_sees_nothing(
    emulator: Emulator,
    client: httpx.Client,
    create: Create,
    history: History,
    admin: Callable[..., Any],
    make_client: Callable[..., httpx.Client],
    voice_files: list[str],
) -> None:
    create(client, "anna", voice_files)
    admin("POST", "/keys", {"key": "colleague", "org": "org-default", "user": "user-2"})
    with make_client(emulator, key="colleague") as colleague:
        # seed: a clone is visible only to the user who created it
        assert history(colleague, "anna") == []
        assert colleague.get("/speech/voice-cloning").json()["data"] == []
        assert colleague.get("/speech/voice/anna").status_code == 404
        # the files are the org's: the colleague may clone with them, under another alias
        assert create(colleague, "anna", voice_files).status_code == 409
        assert create(colleague, "anna-2", voice_files).status_code == 202


def test_alias_uniqueness_is_global_across_orgs(
    emulator: Emulator,
    client: httpx.Client,
    create: Create,
    admin: Callable[..., Any],
    make_client: Callable[..., httpx.Client],
    upload_file: Callable[..., str],
    wav: Callable[..., bytes],
) -> None:
    create(client, "anna", [upload_file(client, "a.wav", wav(2.0))])
    admin("POST", "/keys", {"key": "rival", "org": "org-rival", "user": "user-rival"})
    with make_client(emulator, key="rival") as rival:
        own = upload_file(rival, "r.wav", wav(2.0, seed=5))
        taken = create(rival, "anna", [own])
    assert (taken.status_code, taken.json()) == (409, {"message": "alias 'anna' already exists"})


def test_files_of_another_org_cannot_be_used(
    emulator: Emulator,
    client: httpx.Client,
    create: Create,
    admin: Callable[..., Any],
    make_client: Callable[..., httpx.Client],
    voice_files: list[str],
) -> None:
    admin("POST", "/keys", {"key": "rival", "org": "org-rival", "user": "user-rival"})
    with make_client(emulator, key="rival") as rival:
        reply = create(rival, "stolen", voice_files[:1])
    assert reply.json()["errors"] == [f"unknown file '{voice_files[0]}'"]


def test_succeeded_voice_is_listed_for_its_creator(
    client: httpx.Client, create: Create, voice_files: list[str]
) -> None:
    create(client, "anna", voice_files, metadata={"languageCode": "en-GB"})
    client.get("/speech/voice-cloning", params={"alias": "anna"})
    voices = client.get("/speech/voice").json()["data"]["voices"]
    custom = [v for v in voices if v["type"] == "custom"]
    assert [(v["alias"], v["provider"], v["language"]) for v in custom] == [
        ("anna", "audiostack", "en-GB")
    ]
    one = client.get("/speech/voice/anna").json()["data"]
    assert (one["orgId"], one["userId"]) == ("org-default", "user-default")
    missing = client.get("/speech/voice/nobody")
    assert (missing.status_code, missing.json()) == (404, {"message": "voice 'nobody' not found"})


def test_there_is_no_delete_or_update_route(client: httpx.Client) -> None:
    assert client.delete("/speech/voice-cloning", params={"alias": "a"}).status_code == 405
    assert client.patch("/speech/voice-cloning", json={}).status_code == 405
    assert client.put("/speech/voice-cloning", json={}).status_code == 405
