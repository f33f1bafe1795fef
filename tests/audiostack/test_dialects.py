"""The client against every response variant of api-contract.md §8, served by the emulator
in that dialect: listings of any shape, route discovery, list-all refusals, error details,
history order and the patient upload wait (issue 11 rows 3, 4, 6-11)."""

from __future__ import annotations

import hashlib
from itertools import pairwise
from pathlib import Path

import pytest

from reconciler.model.errors import BadRequestError, UploadPendingError
from reconciler.model.values import Alias, FileId, FolderId, RemoteFile, Sha256
from reconciler.model.voiceapi import CloneRequest, UploadWait
from tests.support.clientrig import EmulatorRig, make_wav


def dialect(rig: EmulatorRig, name: str) -> None:
    rig.post("dialect", {"dialect": name})


def upload(
    rig: EmulatorRig, tmp_path: Path, folder: FolderId, stem: str, **opts: object
) -> RemoteFile:
    data = make_wav(2.0 + len(stem) / 100)
    path = tmp_path / f"{stem}.wav"
    path.write_bytes(data)
    sha = Sha256(hashlib.sha256(data).hexdigest())
    return rig.client(**opts).upload(folder, f"{sha[:16]}-{stem}.wav", path, sha)


def request(alias: str, *file_ids: FileId) -> CloneRequest:
    return CloneRequest(Alias(alias), "voice_engine_3", file_ids, {"gender": "male"})


def calls(rig: EmulatorRig) -> list[str]:
    return [f"{r['method']} {r['path']} {r['status']}" for r in rig.requests()]


def test_wrapped_folder_listing_and_bare_capped_file_pages_read_every_file(
    rig: EmulatorRig,
) -> None:
    dialect(rig, "wrapped-folders+bare-files+capped-pages")
    client = rig.client()
    folder = client.create_folder("voicectl")
    assert client.find_folder("voicectl") == folder
    for n in range(7):
        rig.admin.post(
            "/files",
            json={"file_name": f"n{n}.wav", "folder_id": folder},
            headers={"x-api-key": "emulator"},
        )
    files = client.list_folder_files(folder)
    assert sorted(f.name for f in files) == [f"n{n}.wav" for n in range(7)]
    pages = [r for r in rig.requests() if r["path"].endswith("/files") and r["method"] == "GET"]
    assert [p["query"] for p in pages] == [
        f"limit=100&offset={offset}" for offset in (0, 3, 6, 7)
    ]  # pages of 3 (no total): on until an empty page


def test_a_history_read_newest_first_or_as_one_object_is_ordered_by_start(
    rig: EmulatorRig,
) -> None:
    rig.post("clones", {"alias": "anna", "status": "failed", "startedAt": 100})
    rig.post("clones", {"alias": "anna", "status": "succeeded", "startedAt": 200})
    dialect(rig, "newest-first")
    history = rig.client().get_clones(Alias("anna"))
    assert [(r.status, r.started_at) for r in history] == [("failed", 100), ("succeeded", 200)]
    dialect(rig, "alias-object")
    (only,) = rig.client().get_clones(Alias("anna"))
    assert (only.status, only.started_at) == ("succeeded", 200)
    assert rig.client().get_clones(Alias("nobody")) == ()


@pytest.mark.parametrize("name", ["list-all-403", "list-all-500"])
def test_a_refused_list_all_read_is_an_incomplete_listing(rig: EmulatorRig, name: str) -> None:
    dialect(rig, name)
    listing = rig.client().list_clones()
    assert (listing.complete, listing.records) == (False, ())


def test_the_clone_route_is_discovered_once_from_the_first_answer(
    rig: EmulatorRig, tmp_path: Path
) -> None:
    dialect(rig, "builder-only")
    notes: list[str] = []
    client = rig.client(note=notes.append)
    folder = client.create_folder("voicectl")
    audio = upload(rig, tmp_path, folder, "take")
    created = client.create_clone(request("anna", audio.file_id))
    assert client.get_clones(Alias("anna"))[0].clone_id == created.clone_id
    clone_calls = [c for c in calls(rig) if "/speech/" in c]
    assert clone_calls == [
        "POST /speech/voice-cloning 403",
        "POST /speech/voice-builder 202",
        "GET /speech/voice-builder 200",
    ]
    assert notes == [
        "clone route /speech/voice-cloning missing (HTTP 403); trying the next",
        "clone route: /speech/voice-builder (engine key `voiceEngine`), answered",
    ]


def test_the_reverse_route_works_too(rig: EmulatorRig, tmp_path: Path) -> None:
    dialect(rig, "cloning-only")
    client = rig.client()
    folder = client.create_folder("voicectl")
    audio = upload(rig, tmp_path, folder, "take")
    assert client.create_clone(request("anna", audio.file_id)).status == "preparing"


def test_error_details_reach_the_message(rig: EmulatorRig) -> None:
    """The Python SDK reads `details` (a list or a string) when `errors` is absent."""
    dialect(rig, "error-details")
    with pytest.raises(BadRequestError) as caught:
        rig.client().create_clone(request("anna", FileId("f-x"), FileId("f-y")))
    assert caught.value.server_message == "unknown file 'f-x'; unknown file 'f-y'"
    body = '{"message": "Invalid request", "details": ["fileIds: required", "alias: too long"]}'
    rig.post("faults", {"method": "GET", "route": "/files/{fileId}", "status": 400, "body": body})
    with pytest.raises(BadRequestError) as caught:
        rig.client().get_file(FileId("f-x"))
    assert caught.value.server_message == "Invalid request: fileIds: required; alias: too long"


def time_passes(rig: EmulatorRig, seconds: float) -> None:
    """A client's virtual sleep, which moves the emulator's clock too."""
    rig.clock.sleep(seconds)
    rig.emulator.clock.advance(seconds)


def test_a_slowly_processed_upload_is_waited_for_and_never_posted_twice(
    rig: EmulatorRig, tmp_path: Path
) -> None:
    """slow-processing keeps a file `pending` for 120 s of emulator time after its PUT:
    the client waits it out (its pauses move the clock), with progress every 10 s."""
    dialect(rig, "slow-processing")
    seen: list[tuple[float, str]] = []
    client = rig.client(
        upload_wait=UploadWait(timeout_s=300, report_every_s=10),
        sleep=lambda s: time_passes(rig, s),
    )
    folder = client.create_folder("voicectl")
    data = make_wav(2.0)
    path = tmp_path / "take.wav"
    path.write_bytes(data)
    sha = Sha256(hashlib.sha256(data).hexdigest())
    item = client.upload(
        folder, f"{sha[:16]}-take.wav", path, sha, progress=lambda w, s: seen.append((w, s))
    )
    assert item.status == "uploaded"
    assert 115 <= sum(rig.clock.sleeps) < 122  # 120 s less the wall time the test took
    waited = [w for w, _ in seen]  # one progress event per 10 s of waiting
    assert len(waited) >= 10 and all(10 <= b - a < 13 for a, b in pairwise(waited))
    assert all(status == "pending" for _, status in seen)
    assert [c for c in calls(rig) if c.startswith("POST /files")] == ["POST /files 200"]


def test_past_the_wait_the_upload_is_left_pending_not_repeated(
    rig: EmulatorRig, tmp_path: Path
) -> None:
    dialect(rig, "slow-processing")
    client = rig.client(upload_wait=UploadWait(timeout_s=3))
    folder = client.create_folder("voicectl")
    with pytest.raises(UploadPendingError) as caught:
        upload(rig, tmp_path, folder, "take", upload_wait=UploadWait(timeout_s=3))
    assert caught.value.transient is False
    assert str(caught.value).endswith(
        "still 'pending' after 3 s; the next run waits for it again instead of uploading it twice"
    )
    (pending,) = client.list_folder_files(folder)
    assert pending.status == "pending" and pending.size > 0
    later = rig.client(sleep=lambda s: time_passes(rig, s))  # the next run: 300 s wait
    assert later.await_file(pending.file_id, pending.name).status == "uploaded"
    assert [c for c in calls(rig) if c.startswith("POST /files")] == ["POST /files 200"]
