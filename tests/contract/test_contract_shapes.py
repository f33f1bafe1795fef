"""Client-visible shapes the contract states as facts (api-contract.md §2, §3, §4.3), checked
on every target: file and folder items, folder lookup and paging, the fresh clone record,
and JSON error bodies. Emulator-only wording lives in tests/emulator/."""

from __future__ import annotations

import uuid

from tests.support.contracttarget import Target, tone

FILE_FIELDS = {
    "fileId", "fileName", "folderId", "createdBy", "createdAt", "updatedAt", "fileType",
    "fileCategory", "size", "status", "accessControl",
}  # fmt: skip
FOLDER_FIELDS = {"folderId", "folderName", "parentFolderId", "createdBy", "createdAt"}
RECORD_FIELDS = {
    "cloneId", "voiceEngine", "alias", "filesUsed", "status", "startedAt", "finishedAt",
    "orgId", "userId", "providerId", "metadata", "failReason", "discardedFiles",
}  # fmt: skip


def test_a_file_item_carries_the_documented_fields(target: Target) -> None:
    api = target.client()
    slot = api.post("/files", json={"file_name": "audit-pending.wav", "folder_id": None}).json()
    pending = api.get(f"/files/{slot['fileId']}").json()
    assert set(pending) >= FILE_FIELDS
    assert "url" not in pending  # absent until uploaded
    item = api.get(f"/files/{target.upload('audit-done.wav', tone(2.0, seed=11))}").json()
    assert FILE_FIELDS | {"url", "duration"} <= set(item)
    uuid.UUID(item["fileId"])
    assert {"id", "name"} <= set(item["fileType"])
    assert (item["status"], item["accessControl"]) == ("uploaded", "private")
    assert isinstance(item["size"], int) and isinstance(item["duration"], float)


def test_a_folder_is_found_by_path_and_its_files_are_paged(target: Target) -> None:
    api = target.client()
    name = target.alias("audit-folder")
    assert api.get("/folders", params={"path": name}).status_code == 404
    made = api.post("/folders", json={"folder_name": name, "parent_folder_id": None})
    assert made.status_code == 200, made.text
    folder = made.json()
    assert set(folder) >= FOLDER_FIELDS
    found = api.get("/folders", params={"path": name}).json()
    assert {"folders", "files", "currentPathChain"} <= set(found)
    assert found["currentPathChain"][0]["folderId"] == folder["folderId"]
    created = [
        api.post("/files", json={"file_name": f"{i}.wav", "folder_id": folder["folderId"]})
        .json()["fileId"]
        for i in range(3)
    ]  # fmt: skip
    seen: list[str] = []
    while True:
        page = api.get(
            f"/folders/{folder['folderId']}/files", params={"limit": 2, "offset": len(seen)}
        ).json()
        assert {"limit", "offset", "total"} <= set(page["pagination"])
        seen += [item["fileId"] for item in page["data"]]
        if len(page["data"]) < 2:
            break
    assert sorted(seen) == sorted(created)


def test_a_fresh_clone_record_is_preparing_with_nothing_used_yet(target: Target) -> None:
    alias = target.alias("audit-fresh")
    file_id = target.upload("audit-fresh.wav", tone(3.0, seed=12))
    body = {"fileIds": [file_id], "alias": alias, "engine": "voice_engine_3",
            "metadata": {"managed_by": "voicectl:audit"}}  # fmt: skip
    reply = target.client().post("/speech/voice-cloning", json=body)
    assert reply.status_code == 202, reply.text
    record = reply.json()["data"]
    assert set(record) >= RECORD_FIELDS
    uuid.UUID(record["cloneId"])
    assert (record["status"], record["filesUsed"], record["finishedAt"]) == ("preparing", [], None)
    assert record["providerId"] == "Not available yet."
    assert isinstance(record["startedAt"], int)
    assert record["metadata"]["managed_by"] == "voicectl:audit"


def test_errors_are_json_with_a_message(target: Target) -> None:
    api = target.client()
    bad_engine = api.post(
        "/speech/voice-cloning",
        json={"fileIds": ["x"], "alias": target.alias("audit-e"), "engine": "voice_engine_1"},
    )
    missing = api.get(f"/files/{uuid.uuid4()}")
    for reply, status in ((bad_engine, 400), (missing, 404)):
        assert reply.status_code == status
        body = reply.json()
        assert isinstance(body["message"], str) and body["message"]
        assert "meta" not in body  # E20: errors carry no envelope
        assert isinstance(body.get("errors", []), list)
