"""Routes only the official SDKs call (api-contract.md §8): a folder by id, renaming and
deleting folders and files, copying a file, file categories, and the voice query. Each
answer is INVENTED beyond what the SDK code reads; voicectl itself calls none of them.
"""

from __future__ import annotations

import secrets
import sqlite3
import uuid
from typing import Any

from reconciler.emulator.files import (
    ROOT,
    check_name,
    file_item,
    folder_exists,
    mime_for,
    stored_folder,
)
from reconciler.emulator.folders import folder_item, listing_reply
from reconciler.emulator.state import Backend, Call
from reconciler.emulator.store import next_position
from reconciler.emulator.voices import list_voices
from reconciler.emulator.wire import ApiProblem, EmuReply, json_reply, parse_json_object, show


def _folder_row(conn: sqlite3.Connection, org: str, folder_id: str) -> sqlite3.Row:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM folders WHERE folder_id = ? AND org_id = ?", (folder_id, org)
    ).fetchone()
    if row is None:
        raise ApiProblem(404, f"folder '{show(folder_id)}' not found")
    return row


def _file_row(conn: sqlite3.Connection, org: str, file_id: str) -> sqlite3.Row:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM files WHERE file_id = ? AND org_id = ?", (file_id, org)
    ).fetchone()
    if row is None:
        raise ApiProblem(404, f"file '{show(file_id)}' not found")
    return row


def get_folder(backend: Backend, call: Call) -> EmuReply:
    """GET /folders/{folderId} → the same listing as GET /folders?path= (Python SDK
    Folder.get reads it as a ListResponse)."""
    org = call.who.org_id
    folder = stored_folder(org, call.params["folderId"])
    chain: list[sqlite3.Row] = []
    with backend.store.read() as conn:
        while folder != ROOT:
            row = _folder_row(conn, org, folder)
            chain.insert(0, row)
            folder = row["parent_id"]
    return listing_reply(backend, call, chain)


def patch_folder(backend: Backend, call: Call) -> EmuReply:
    """PATCH /folders/{folderId} {folder_name} → the renamed folder item."""
    name = check_name(parse_json_object(call.request.body).get("folder_name"), "folder_name")
    org = call.who.org_id
    with backend.store.write() as conn:
        row = _folder_row(conn, org, call.params["folderId"])
        taken = conn.execute(
            "SELECT 1 FROM folders WHERE org_id = ? AND parent_id = ? AND name = ?"
            " AND folder_id != ?",
            (org, row["parent_id"], name, row["folder_id"]),
        ).fetchone()
        if taken is not None:
            raise ApiProblem(409, f"folder '{show(name)}' already exists")  # as E17
        conn.execute("UPDATE folders SET name = ? WHERE folder_id = ?", (name, row["folder_id"]))
        row = _folder_row(conn, org, row["folder_id"])
    return json_reply(200, folder_item(row))


def delete_folder(backend: Backend, call: Call) -> EmuReply:
    """DELETE /folders/{folderId}: an empty folder only (409 otherwise) → 204."""
    org = call.who.org_id
    with backend.store.write() as conn:
        row = _folder_row(conn, org, call.params["folderId"])
        here = row["folder_id"]
        busy = conn.execute(
            "SELECT 1 FROM files WHERE org_id = ? AND folder_id = ? UNION ALL"
            " SELECT 1 FROM folders WHERE org_id = ? AND parent_id = ? LIMIT 1",
            (org, here, org, here),
        ).fetchone()
        if busy is not None:
            raise ApiProblem(409, f"folder '{show(row['name'])}' is not empty")
        conn.execute("DELETE FROM folders WHERE folder_id = ?", (here,))
    return EmuReply(204)


def patch_file(backend: Backend, call: Call) -> EmuReply:
    """PATCH /files/{fileId} {file_name?, category_id?, category_name?, access_control?}:
    a rename is stored (the extension must stay an audio type); the other fields are
    accepted and echoed, not kept."""
    body = parse_json_object(call.request.body)
    access = body.get("access_control")
    if access is not None and access not in ("public", "private"):
        raise ApiProblem(400, "access_control must be public or private")
    org = call.who.org_id
    with backend.store.write() as conn:
        row = _file_row(conn, org, call.params["fileId"])
        if "file_name" in body:
            name = check_name(body["file_name"], "file_name")
            mime = mime_for(name)
            conn.execute(
                "UPDATE files SET name = ?, mime = ?, updated_at = ? WHERE file_id = ?",
                (name, mime, call.now, row["file_id"]),
            )
            row = _file_row(conn, org, row["file_id"])
    item = file_item(row, call.request.base_url)
    if access is not None:
        item["accessControl"] = access
    return json_reply(200, item)


def delete_file(backend: Backend, call: Call) -> EmuReply:
    """DELETE /files/{fileId} → 204; its place in the folder stays taken (positions are
    never reused, so pages stay stable)."""
    with backend.store.write() as conn:
        row = _file_row(conn, call.who.org_id, call.params["fileId"])
        conn.execute("DELETE FROM files WHERE file_id = ?", (row["file_id"],))
    return EmuReply(204)


def copy_file(backend: Backend, call: Call) -> EmuReply:
    """PUT /files/copy {file_id, current_folder_id, new_folder_id} → the new file item
    (a new fileId, the same bytes)."""
    body = parse_json_object(call.request.body)
    values = [body.get(k) for k in ("file_id", "current_folder_id", "new_folder_id")]
    if not all(isinstance(v, str) and v for v in values):
        raise ApiProblem(400, "file_id, current_folder_id and new_folder_id are required")
    file_id, current, target = (str(v) for v in values)
    org, who = call.who.org_id, call.who
    with backend.store.write() as conn:
        row = _file_row(conn, org, file_id)
        if row["folder_id"] != stored_folder(org, current):
            raise ApiProblem(404, f"file '{show(file_id)}' is not in folder '{show(current)}'")
        if not folder_exists(conn, org, target):
            raise ApiProblem(404, f"folder '{show(target)}' not found")
        stored = stored_folder(org, target)
        new_id = str(uuid.uuid4())
        copied: dict[str, Any] = dict(row)
        copied.update(
            file_id=new_id,
            folder_id=stored,
            sig=secrets.token_urlsafe(24),
            created_by=who.user_id,
            created_at=call.now,
            updated_at=call.now,
            pos=next_position(conn, org, stored),
        )
        copied.pop("seq", None)
        columns = ", ".join(copied)
        marks = ", ".join("?" for _ in copied)
        conn.execute(f"INSERT INTO files ({columns}) VALUES ({marks})", tuple(copied.values()))  # noqa: S608
        new_row = _file_row(conn, org, new_id)
    return json_reply(200, file_item(new_row, call.request.base_url))


def file_categories(backend: Backend, call: Call) -> EmuReply:
    """GET /files/file-categories → the file types and their categories."""
    _ = (backend, call.who)
    return json_reply(
        200, {"fileTypes": [{"fileTypeId": "audio", "name": "Audio", "fileCategories": []}]}
    )


def voice_query(backend: Backend, call: Call) -> EmuReply:
    """POST /speech/voice/query {filters, page, pageLimit, ...} → {data: {voices}}: the
    same voices as GET /speech/voice (filters are not applied)."""
    parse_json_object(call.request.body)
    return list_voices(backend, call)
