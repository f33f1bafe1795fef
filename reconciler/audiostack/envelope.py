"""Decode AudioStack JSON bodies into model values: the `/speech` envelope, clone records,
file items and folder listings (api-contract.md §2–§4).

Pure functions over decoded JSON; a body of the wrong shape raises `ServerError`.
No httpx, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast

from reconciler.model.errors import ServerError
from reconciler.model.values import (
    Alias,
    CloneId,
    CloneStatus,
    FileId,
    FileStatus,
    FolderId,
    MetaValue,
    RemoteClone,
    RemoteFile,
)
from reconciler.redact import safe


def _malformed(what: str, path: str) -> ServerError:
    return ServerError(f"unexpected response shape: {what}", path=path)


def _text(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    return safe(value, 512) if isinstance(value, str) else None


def _integer(item: Mapping[str, Any], key: str) -> int | None:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _timestamp(value: Any) -> str | None:
    """createdAt as ISO-8601 text (epoch numbers are converted) so that values compare."""
    if isinstance(value, str):
        return safe(value, 64)
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    return None


def read_credits(payload: Any) -> int | None:
    """meta.creditsRemaining of an envelope, if present."""
    meta = payload.get("meta") if isinstance(payload, dict) else None
    return _integer(meta, "creditsRemaining") if isinstance(meta, dict) else None


def read_data(payload: Any, path: str) -> Any:
    """The `data` member of an envelope."""
    if not isinstance(payload, dict) or "data" not in payload:
        raise _malformed("no 'data' in the response", path)
    return payload["data"]


def parse_clone(item: Any, path: str) -> RemoteClone:
    """One clone record (camelCase) → RemoteClone; metadata and discardedFiles as given."""
    if not isinstance(item, dict):
        raise _malformed("clone record is not an object", path)
    clone_id, alias = _text(item, "cloneId"), _text(item, "alias")
    engine = _text(item, "voiceEngine") or _text(item, "engine")
    status = _text(item, "status")
    if not (clone_id and alias and engine and status):
        raise _malformed("clone record without cloneId, alias, voiceEngine or status", path)
    used = item.get("filesUsed")
    discarded = item.get("discardedFiles")
    metadata = item.get("metadata")
    consent = _text(item, "consentFileId")
    return RemoteClone(
        clone_id=CloneId(clone_id),
        alias=Alias(alias),
        engine=engine,
        status=CloneStatus.parse(status),
        files_used=tuple(FileId(str(f)) for f in used) if isinstance(used, list) else (),
        discarded=(
            {FileId(str(k)): str(v) for k, v in discarded.items()}
            if isinstance(discarded, dict)
            else {}
        ),
        metadata=cast(dict[str, MetaValue], dict(metadata)) if isinstance(metadata, dict) else {},
        fail_reason=_text(item, "failReason"),
        started_at=_integer(item, "startedAt"),
        finished_at=_integer(item, "finishedAt"),
        org_id=_text(item, "orgId"),
        user_id=_text(item, "userId"),
        consent_file_id=FileId(consent) if consent else None,
    )


def parse_clones(payload: Any, path: str) -> tuple[RemoteClone, ...]:
    """`data` = a list of clone records (GET /speech/voice-cloning), in server order."""
    data = read_data(payload, path)
    if not isinstance(data, list):
        raise _malformed("'data' is not a list of clone records", path)
    return tuple(parse_clone(item, path) for item in data)


def parse_file(item: Any, path: str) -> RemoteFile:
    """One flat file item → RemoteFile."""
    if not isinstance(item, dict):
        raise _malformed("file item is not an object", path)
    file_id, name = _text(item, "fileId"), _text(item, "fileName")
    if not (file_id and name is not None):
        raise _malformed("file item without fileId or fileName", path)
    folder = _text(item, "folderId")
    duration = item.get("duration")
    if not isinstance(duration, int | float) or isinstance(duration, bool):
        duration = None
    return RemoteFile(
        file_id=FileId(file_id),
        name=name,
        folder_id=FolderId(folder) if folder else None,
        size=_integer(item, "size") or 0,
        status=FileStatus.parse(_text(item, "status") or FileStatus.PENDING),
        duration_s=None if duration is None else float(duration),
        created_at=_timestamp(item.get("createdAt")),
    )


def parse_file_page(payload: Any, path: str) -> tuple[RemoteFile, ...]:
    """`{"data": [file items], "pagination": {...}}` → the items of one page."""
    data = read_data(payload, path)
    if not isinstance(data, list):
        raise _malformed("'data' is not a list of file items", path)
    return tuple(parse_file(item, path) for item in data)


def parse_folder_id(payload: Any, path: str) -> FolderId:
    """`GET /folders?path=` → element 0 of currentPathChain; `POST /folders` → the item."""
    if isinstance(payload, dict):
        chain = payload.get("currentPathChain")
        item = chain[0] if isinstance(chain, list) and chain else payload
        folder = _text(item, "folderId") if isinstance(item, dict) else None
        if folder:
            return FolderId(folder)
    raise _malformed("no folderId in the folder response", path)


def parse_upload_slot(payload: Any, path: str) -> tuple[FileId, str, str]:
    """`POST /files` → (fileId, uploadUrl, mimeType)."""
    if isinstance(payload, dict):
        file_id = payload.get("fileId")
        url = payload.get("uploadUrl")
        mime = payload.get("mimeType")
        if isinstance(file_id, str) and isinstance(url, str) and isinstance(mime, str):
            return FileId(file_id), url, mime
    raise _malformed("POST /files answer without fileId, uploadUrl or mimeType", path)
