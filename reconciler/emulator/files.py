"""Files API v4 (api-contract.md §3): create a file slot, the presigned upload PUT (E16),
file items (E15, E18), and the name rules shared with folders. No folder routes here."""

from __future__ import annotations

import hmac
import secrets
import sqlite3
import uuid
from datetime import UTC, datetime
from typing import Any

from reconciler.emulator.blobs import digest_of, put_blob
from reconciler.emulator.limits import FORMATS, NAME_MAX_CHARS, UPLOAD_CAP, UPLOAD_URL_TTL_S
from reconciler.emulator.probe import measure_duration
from reconciler.emulator.sound import judge_sound
from reconciler.emulator.state import Backend, Call
from reconciler.emulator.store import next_position
from reconciler.emulator.wire import ApiProblem, EmuReply, json_reply, parse_json_object, show

ROOT = ""  # folder_id / parent_id of the root in the tables (NULL would defeat UNIQUE)
ROOT_NAMESPACE = uuid.UUID("5b0c3d4e-7a1f-4c2e-9d3b-6f0a1e2c3b4d")


def root_id(org: str) -> str:
    """The root folder's id as the API shows it (the tables keep ROOT).
    INVENTED: api-contract.md §8 (the root has an id: the Python SDK's get_root_folder_id)"""
    return str(uuid.uuid5(ROOT_NAMESPACE, org))


def stored_folder(org: str, folder: str | None) -> str:
    """A folder id from a request as the tables keep it (the root id → ROOT)."""
    return ROOT if not folder or folder == root_id(org) else folder


FILE_FIELDS = frozenset({"file_name", "folder_id", "category_id"})


def iso(epoch: float) -> str:
    # INVENTED: api-contract.md §3 (timestamp format of file and folder items)
    text = datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def check_name(value: object, field: str) -> str:
    """A plain file or folder name: no path, no control characters (path tricks → 400)."""
    if not isinstance(value, str):
        raise ApiProblem(400, f"{field} must be a string")
    # INVENTED: api-contract.md E17 (name rules)
    if not value.strip():
        raise ApiProblem(400, f"{field} must not be empty")
    if len(value) > NAME_MAX_CHARS:
        raise ApiProblem(400, f"{field} is longer than {NAME_MAX_CHARS} characters")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value):
        raise ApiProblem(400, f"{field} must not contain control characters")
    if "/" in value or "\\" in value or value in (".", ".."):
        raise ApiProblem(400, f"{field} must be a plain name, not a path")
    return value


def mime_for(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    expected = ", ".join(FORMATS)
    if not dot or not stem:
        raise ApiProblem(400, f"file_name needs an audio extension (expected {expected})")
    mime = FORMATS.get(extension.lower())
    if mime is None:
        # INVENTED: api-contract.md E9 (formats; anything else → 400 at POST /files)
        raise ApiProblem(
            400, f"unsupported file type '.{show(extension, 16)}' (expected {expected})"
        )
    return mime


def folder_exists(conn: sqlite3.Connection, org: str, folder_id: str) -> bool:
    if stored_folder(org, folder_id) == ROOT:
        return True
    row = conn.execute(
        "SELECT 1 FROM folders WHERE folder_id = ? AND org_id = ?", (folder_id, org)
    ).fetchone()
    return row is not None


def create_file(backend: Backend, call: Call) -> EmuReply:
    """POST /files → 200 flat {fileId, uploadUrl, mimeType} (api-contract.md §3, E25)."""
    body = parse_json_object(call.request.body)
    unknown = sorted(set(body) - FILE_FIELDS)
    if unknown:
        raise ApiProblem(400, f"unknown field '{show(unknown[0])}'")
    name = check_name(body.get("file_name"), "file_name")
    mime = mime_for(name)
    folder = body.get("folder_id")
    if folder is not None and not isinstance(folder, str):
        raise ApiProblem(400, "folder_id must be a string or null")
    category = body.get("category_id")
    if category is not None and not isinstance(category, str):
        raise ApiProblem(400, "category_id must be a string or null")
    # INVENTED: api-contract.md E17 (no name uniqueness: every POST is a new file slot)
    file_id, sig = str(uuid.uuid4()), secrets.token_urlsafe(24)
    who = call.who
    with backend.store.write() as conn:
        if folder and not folder_exists(conn, who.org_id, folder):
            raise ApiProblem(404, f"folder '{show(folder)}' not found")
        stored = stored_folder(who.org_id, folder)
        pos = next_position(conn, who.org_id, stored)
        conn.execute(
            "INSERT INTO files (file_id, org_id, folder_id, name, mime, status, size, sig,"
            " created_by, created_at, updated_at, pos)"
            " VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?)",
            (
                file_id,
                who.org_id,
                stored,
                name,
                mime,
                sig,
                who.user_id,
                call.now,
                call.now,
                pos,
            ),
        )
    upload_url = f"{call.request.base_url}/_upload/{file_id}?sig={sig}"
    # INVENTED: api-contract.md E25 (200 with the flat item)
    return json_reply(200, {"fileId": file_id, "uploadUrl": upload_url, "mimeType": mime})


def file_item(row: sqlite3.Row, base_url: str, processing: bool = False) -> dict[str, Any]:
    """A flat file item (api-contract.md §3): url and duration only once uploaded (E18);
    `processing` (slow-processing dialect) shows an uploaded file as still `pending`."""
    item: dict[str, Any] = {
        "fileId": row["file_id"],
        "fileName": row["name"],
        "folderId": row["folder_id"] or None,
        "createdBy": row["created_by"],
        "createdAt": iso(row["created_at"]),
        "updatedAt": iso(row["updated_at"]),
        "fileType": {"id": "audio", "name": "Audio"},  # INVENTED: api-contract.md §3
        "fileCategory": None,
        "size": row["size"],
        "status": "pending" if processing else row["status"],
        "accessControl": "private",
    }
    if row["status"] == "uploaded" and not processing:
        item["url"] = f"{base_url}/_download/{row['file_id']}?sig={row['sig']}"
        item["duration"] = row["duration"]
    return item


def get_file(backend: Backend, call: Call) -> EmuReply:
    file_id = call.params["fileId"]
    with backend.store.read() as conn:
        row = conn.execute(
            "SELECT * FROM files WHERE file_id = ? AND org_id = ?", (file_id, call.who.org_id)
        ).fetchone()
    if row is None:
        raise ApiProblem(404, f"file '{show(file_id)}' not found")
    scale = backend.clock.time_scale
    busy = row["status"] == "uploaded" and backend.dialect.processing(file_id, call.now, scale)
    return json_reply(200, file_item(row, call.request.base_url, busy))


def _signed_row(backend: Backend, call: Call) -> sqlite3.Row:
    """The file an upload/download URL names, if its signature and age are right (E16)."""
    file_id = call.params["fileId"]
    with backend.store.read() as conn:
        row: sqlite3.Row | None = conn.execute(
            "SELECT * FROM files WHERE file_id = ?", (file_id,)
        ).fetchone()
    # INVENTED: api-contract.md E16 (checks and their status codes)
    if row is None:
        raise ApiProblem(404, "upload URL not found")
    sig = call.request.param("sig") or ""
    if not hmac.compare_digest(sig.encode(), str(row["sig"]).encode()):
        raise ApiProblem(403, "invalid upload signature")
    if call.now > row["created_at"] + UPLOAD_URL_TTL_S:
        raise ApiProblem(403, "upload URL expired")
    return row


def upload_file(backend: Backend, call: Call) -> EmuReply:
    """PUT {base}/_upload/{fileId}?sig=… with the raw bytes → 200 empty (E16, E25)."""
    row = _signed_row(backend, call)
    mime = str(row["mime"])
    sent_type = (call.request.header("content-type") or "").strip().lower()
    if sent_type != mime:
        # INVENTED: api-contract.md E16 (Content-Type must equal mimeType, else 403)
        raise ApiProblem(403, f"Content-Type must be {mime}")
    data = call.request.body
    if len(data) > UPLOAD_CAP:
        # INVENTED: api-contract.md E16 (upload cap)
        raise ApiProblem(413, f"upload too large: {len(data)} bytes > {UPLOAD_CAP}")
    duration = measure_duration(data)
    # INVENTED: api-contract.md E15 (undecodable bytes → status `failed`)
    status = "uploaded" if duration is not None else "failed"
    sound = judge_sound(data) if duration is not None else None  # E27
    digest = digest_of(data)
    with backend.store.write() as conn:  # the bytes and the row that names them: one commit
        put_blob(conn, digest, data)
        conn.execute(
            "UPDATE files SET status = ?, size = ?, duration = ?, sha256 = ?, updated_at = ?,"
            " sound = ? WHERE file_id = ?",
            (status, len(data), duration, digest, call.now, sound, row["file_id"]),
        )
    if status == "uploaded":
        backend.dialect.uploaded(row["file_id"], call.now)  # slow-processing starts now
    return EmuReply(200)  # INVENTED: api-contract.md E25 (200, empty body)


def download_file(backend: Backend, call: Call) -> EmuReply:
    """GET {base}/_download/{fileId}?sig=…: the stored bytes (the file item's `url`)."""
    row = _signed_row(backend, call)
    data = backend.blobs.get(str(row["sha256"])) if row["status"] == "uploaded" else None
    if data is None:
        raise ApiProblem(404, "file has no content")
    return EmuReply(200, (("content-type", str(row["mime"])),), data)
