"""The client against the real emulator, in-process: round trips, faults, remote state."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest

from reconciler.model.errors import (
    AuthError,
    ConflictError,
    CreditsError,
    ServerError,
    TransportError,
)
from reconciler.model.values import Alias, FileId
from reconciler.model.voiceapi import CloneRequest
from tests.support.clientrig import EmulatorRig, make_wav, upload_wav

CLONES = "/speech/voice-cloning"


def _request(alias: str, *file_ids: FileId) -> CloneRequest:
    return CloneRequest(
        alias=Alias(alias),
        engine="voice_engine_3",
        file_ids=file_ids,
        metadata={"gender": "female", "managed_by": "voicectl:acme/voices"},
    )


def _api_calls(rig: EmulatorRig) -> list[str]:
    return [f"{r['method']} {r['route'] or r['path']}" for r in rig.requests()]


def test_upload_round_trip_stores_the_exact_bytes(rig: EmulatorRig, tmp_path: Path) -> None:
    client = rig.client()
    folder = client.create_folder("voicectl")
    remote = upload_wav(rig, tmp_path, folder, "take-01", 2.0)
    assert (remote.status, remote.folder_id, remote.duration_s) == ("uploaded", folder, 2.0)
    assert remote.name.endswith("-take-01.wav")
    assert client.get_file(remote.file_id) == remote
    assert client.list_folder_files(folder) == (remote,)
    state = rig.admin.get("/_emulator/state").json()
    assert [f["sha256"] for f in state["files"]] == [hashlib.sha256(make_wav(2.0)).hexdigest()]
    assert _api_calls(rig) == [
        "POST /folders",
        "POST /files",
        "PUT /_upload/{fileId}",
        "GET /files/{fileId}",
        "GET /files/{fileId}",
        "GET /folders/{folderId}/files",
    ]


def test_create_then_poll_follows_the_clone_to_success(rig: EmulatorRig, tmp_path: Path) -> None:
    rig.post("clock", {"mode": "manual"})
    client = rig.client()
    folder = client.create_folder("voicectl")
    audio = upload_wav(rig, tmp_path, folder, "take", 2.0)
    created = client.create_clone(_request("anna-warm", audio.file_id))
    assert (created.alias, created.status, created.engine) == (
        "anna-warm",
        "preparing",
        "voice_engine_3",
    )
    assert created.metadata == {"gender": "female", "managed_by": "voicectl:acme/voices"}
    before = client.credits_remaining
    rig.post("advance", {"alias": "anna-warm"})
    assert [r.status for r in client.get_clones(Alias("anna-warm"))] == ["in_progress"]
    rig.post("advance", {"alias": "anna-warm", "to": "succeeded"})
    (done,) = client.get_clones(Alias("anna-warm"))
    assert (done.clone_id, done.status, done.files_used) == (
        created.clone_id,
        "succeeded",
        (audio.file_id,),
    )
    assert done.submitted_files == {audio.file_id}
    assert before is not None and client.credits_remaining == before - 300


def test_unknown_alias_and_unknown_file_read_as_empty(rig: EmulatorRig) -> None:
    client = rig.client()
    assert client.get_clones(Alias("nobody-here")) == ()
    assert client.get_file(FileId("00000000-0000-4000-8000-000000000000")) is None
    assert client.find_folder("voicectl") is None


def test_list_folder_files_pages_through_the_emulator(rig: EmulatorRig) -> None:
    client = rig.client()
    folder = client.create_folder("voicectl")
    headers = {"x-api-key": rig.emulator.default_key}
    for index in range(205):
        body = {"file_name": f"n{index:03}.wav", "folder_id": folder}
        assert rig.admin.post("/files", json=body, headers=headers).status_code == 200
    rig.admin.delete("/_emulator/requests")
    files = client.list_folder_files(folder)
    assert sorted(f.name for f in files) == [f"n{i:03}.wav" for i in range(205)]
    first, *rest = [r["query"] for r in rig.requests()]
    assert first == "limit=100&offset=0"  # its total: the other pages are read at once
    assert sorted(rest) == ["limit=100&offset=100", "limit=100&offset=200"]


@pytest.mark.parametrize(
    ("key", "kind", "message"),
    [
        (
            "",
            AuthError,
            "GET /speech/voice-cloning HTTP 401: authentication failed (missing API key: send "
            "it in the x-api-key header); check AUDIOSTACK_API_KEY",
        ),
        (
            "sk-not-registered",
            AuthError,
            "GET /speech/voice-cloning?alias=anna HTTP 403: access denied (invalid API key); "
            "check AUDIOSTACK_API_KEY and AUDIOSTACK_ORG_ID",
        ),
    ],
)
def test_bad_keys_fail_at_once_naming_the_variable(
    rig: EmulatorRig, key: str, kind: type[Exception], message: str
) -> None:
    """A 401 fails the list-all read itself; a 403 there only means "read each alias"
    (issue 11 row 8), and the first per-alias read fails naming the variable."""
    client = rig.client(api_key=key)
    if key:
        assert client.list_clones().complete is False
    with pytest.raises(kind) as caught:
        client.get_clones(Alias("anna")) if key else client.list_clones()
    error = caught.value
    assert isinstance(error, AuthError) and error.request_id
    assert str(error) == f"{message} (request id {error.request_id})"
    assert len(rig.requests()) == (2 if key else 1)
    assert rig.clock.sleeps == []


def test_a_503_burst_on_get_is_retried_within_jitter_bounds(rig: EmulatorRig) -> None:
    rig.post("faults", {"method": "GET", "route": CLONES, "status": 503, "times": 2})
    listing = rig.client().list_clones()
    assert listing.complete and listing.records == ()
    assert [r["status"] for r in rig.requests()] == [503, 503, 200]
    assert len(rig.clock.sleeps) == 2
    assert 0 <= rig.clock.sleeps[0] <= 0.5 and 0 <= rig.clock.sleeps[1] <= 1.0


def test_a_429_retry_after_is_honoured_before_the_next_request(rig: EmulatorRig) -> None:
    rule = {"method": "GET", "route": CLONES, "status": 429, "times": 1, "retry_after": 2}
    rig.post("faults", rule)
    client = rig.client()
    client.get_clones(Alias("anna"))
    assert rig.clock.sleeps == [2.0]
    assert [r["status"] for r in rig.requests()] == [429, 200]
    assert client.cooldown.limit == 4  # 8 → 4


def test_a_hanging_get_is_retried(rig: EmulatorRig) -> None:
    rig.post("faults", {"method": "GET", "route": CLONES, "transport": "hang", "times": 1})
    assert rig.client().get_clones(Alias("anna")) == ()
    assert len(rig.requests()) == 2


def test_a_lost_clone_reply_is_not_retried_and_the_record_can_be_read_back(
    rig: EmulatorRig, tmp_path: Path
) -> None:
    client = rig.client()
    folder = client.create_folder("voicectl")
    audio = upload_wav(rig, tmp_path, folder, "take", 2.0)
    rig.post("faults", {"method": "POST", "route": CLONES, "transport": "commit_then_drop"})
    with pytest.raises(TransportError) as caught:
        client.create_clone(_request("anna", audio.file_id))
    assert str(caught.value) == "POST /speech/voice-cloning: connection reset"
    assert isinstance(caught.value.__cause__, httpx.ReadError)
    assert [c.alias for c in client.get_clones(Alias("anna"))] == ["anna"]
    assert _api_calls(rig).count(f"POST {CLONES}") == 1


def test_clone_post_errors_are_typed_and_sent_once(rig: EmulatorRig, tmp_path: Path) -> None:
    client = rig.client()
    folder = client.create_folder("voicectl")
    audio = upload_wav(rig, tmp_path, folder, "take", 2.0)
    client.create_clone(_request("anna", audio.file_id))
    with pytest.raises(ConflictError) as conflict:
        client.create_clone(_request("anna", audio.file_id))
    assert conflict.value.server_message == "alias 'anna' already exists"
    rig.post("faults", {"method": "POST", "route": CLONES, "status": 500, "times": 1})
    with pytest.raises(ServerError):
        client.create_clone(_request("bob", audio.file_id))
    rig.post("credits", {"org": "org-default", "balance": 100})
    with pytest.raises(CreditsError) as credits:
        client.create_clone(_request("carl", audio.file_id))
    assert credits.value.status == 402
    assert _api_calls(rig).count(f"POST {CLONES}") == 4
    assert rig.clock.sleeps == []
