"""Folders (api-contract.md §3 "Finding already-uploaded files", E17, E19): look a folder up
by path, create one, page through its files. File slots and uploads live in files.py."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

from reconciler.emulator.files import (
    ROOT,
    check_name,
    file_item,
    folder_exists,
    iso,
    root_id,
    stored_folder,
)
from reconciler.emulator.limits import PAGE_DEFAULT, PAGE_MAX
from reconciler.emulator.sdkshapes import file_page, folder_listing, page_limit
from reconciler.emulator.state import Backend, Call
from reconciler.emulator.store import folder_size
from reconciler.emulator.wire import ApiProblem, EmuReply, json_reply, parse_json_object, show

FOLDER_FIELDS = frozenset({"folder_name", "parent_folder_id"})


def folder_item(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "folderId": row["folder_id"],
        "folderName": row["name"],
        "parentFolderId": row["parent_id"] or None,
        "createdBy": row["created_by"],
        "createdAt": iso(row["created_at"]),
    }


def root_item(org: str) -> dict[str, Any]:
    # INVENTED: api-contract.md §8 (the root's item: name, creator and date)
    return {
        "folderId": root_id(org),
        "folderName": "root",
        "parentFolderId": None,
        "createdBy": "system",
        "createdAt": iso(0),
    }


def _walk(conn: sqlite3.Connection, org: str, path: str) -> list[sqlite3.Row]:
    """The folders along `path`, root-most first; 404 if any step is missing."""
    chain: list[sqlite3.Row] = []
    parent = ROOT
    for part in (p for p in path.strip("/").split("/") if p):
        row = conn.execute(
            "SELECT * FROM folders WHERE org_id = ? AND parent_id = ? AND name = ?",
            (org, parent, part),
        ).fetchone()
        if row is None:
            raise ApiProblem(404, f"folder '{show(path)}' not found")
        chain.append(row)
        parent = row["folder_id"]
    return chain


def list_folder(backend: Backend, call: Call) -> EmuReply:
    """GET /folders?path=a/b → {folders, files, currentPathChain} (chain[0] = that folder)."""
    path = call.request.param("path") or ""
    org = call.who.org_id
    with backend.store.read() as conn:
        chain = _walk(conn, org, path)
    return listing_reply(backend, call, chain)


def listing_reply(backend: Backend, call: Call, chain: list[sqlite3.Row]) -> EmuReply:
    """The listing of the last folder of `chain` (root-most first; empty: the root)."""
    org = call.who.org_id
    here = chain[-1]["folder_id"] if chain else ROOT
    with backend.store.read() as conn:
        folders = conn.execute(
            "SELECT * FROM folders WHERE org_id = ? AND parent_id = ? ORDER BY seq", (org, here)
        ).fetchall()
        files = conn.execute(
            "SELECT * FROM files WHERE org_id = ? AND folder_id = ? ORDER BY pos", (org, here)
        ).fetchall()
    base, box = call.request.base_url, backend.dialect
    listing = {
        "folders": [folder_item(row) for row in folders],
        "files": [file_item(row, base, _busy(backend, call, row)) for row in files],
        # INVENTED: api-contract.md §3 (the chain runs from this folder up to the root item)
        "currentPathChain": [*(folder_item(row) for row in reversed(chain)), root_item(org)],
    }
    return json_reply(200, folder_listing(listing, box.current))


def create_folder(backend: Backend, call: Call) -> EmuReply:
    """POST /folders → 200 folder item; a duplicate name under one parent → 409 (E17)."""
    body = parse_json_object(call.request.body)
    unknown = sorted(set(body) - FOLDER_FIELDS)
    if unknown:
        raise ApiProblem(400, f"unknown field '{show(unknown[0])}'")
    name = check_name(body.get("folder_name"), "folder_name")
    parent = body.get("parent_folder_id")
    if parent is not None and not isinstance(parent, str):
        raise ApiProblem(400, "parent_folder_id must be a string or null")
    who = call.who
    with backend.store.write() as conn:
        if parent and not folder_exists(conn, who.org_id, parent):
            raise ApiProblem(404, f"folder '{show(parent)}' not found")
        parent = stored_folder(who.org_id, parent)
        taken = conn.execute(
            "SELECT 1 FROM folders WHERE org_id = ? AND parent_id = ? AND name = ?",
            (who.org_id, parent or ROOT, name),
        ).fetchone()
        if taken is not None:
            # INVENTED: api-contract.md E17 (folder names unique per parent → 409)
            raise ApiProblem(409, f"folder '{show(name)}' already exists")
        folder_id = str(uuid.uuid4())
        conn.execute(
            "INSERT INTO folders (folder_id, org_id, parent_id, name, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (folder_id, who.org_id, parent or ROOT, name, who.user_id, call.now),
        )
        row = conn.execute("SELECT * FROM folders WHERE folder_id = ?", (folder_id,)).fetchone()
    return json_reply(200, folder_item(row))  # INVENTED: api-contract.md E25


def _busy(backend: Backend, call: Call, row: sqlite3.Row) -> bool:
    """slow-processing: an uploaded file still within its processing time (dialects.py)."""
    scale = backend.clock.time_scale
    return row["status"] == "uploaded" and backend.dialect.processing(
        row["file_id"], call.now, scale
    )


def page_bounds(call: Call) -> tuple[int, int]:
    """limit (default 100, max 1000) and offset (api-contract.md E19)."""
    bounds = []
    for name, default, high in (("limit", PAGE_DEFAULT, PAGE_MAX), ("offset", 0, 10**12)):
        raw = call.request.param(name)
        low = 1 if name == "limit" else 0
        try:
            value = default if raw is None else int(raw.strip())
        except ValueError:
            value = -1
        if not low <= value <= high:
            # INVENTED: api-contract.md E19 (out-of-range paging → 400, not clamped)
            raise ApiProblem(400, f"{name} must be an integer from {low} to {high}")
        bounds.append(value)
    return bounds[0], bounds[1]


def list_folder_files(backend: Backend, call: Call) -> EmuReply:
    """GET /folders/{folderId}/files?limit&offset → {data, pagination{limit, offset, total}}."""
    limit, offset = page_bounds(call)
    box = backend.dialect
    limit = page_limit(limit, box.current)
    org = call.who.org_id
    folder = stored_folder(org, call.params["folderId"])
    with backend.store.read() as conn:
        if not folder_exists(conn, org, folder):
            raise ApiProblem(404, f"folder '{show(folder)}' not found")
        total = folder_size(conn, org, folder)
        # keyset: `offset` is a position in the folder, so a page is one index range seek
        rows = conn.execute(
            "SELECT * FROM files WHERE org_id = ? AND folder_id = ? AND pos >= ?"
            " ORDER BY pos LIMIT ?",
            (org, folder, offset, limit),
        ).fetchall()
    base = call.request.base_url
    items = [file_item(row, base, _busy(backend, call, row)) for row in rows]
    # INVENTED: api-contract.md E19 (`total`)
    page = {"limit": limit, "offset": offset, "total": total}
    return json_reply(200, file_page(items, page, box.current))
