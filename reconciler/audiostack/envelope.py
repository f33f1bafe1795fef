"""Decode AudioStack JSON bodies into model values: the `/speech` envelope, clone records,
file items and folder listings (api-contract.md §2–§4, every variant of §8).

Liberal in what it reads: wrapped `{data: ...}` or flat bodies, bare lists, one object
where a list was expected. Pure functions over decoded JSON; a body none of the variants
explains raises `ServerError`. No httpx, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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


def history_key(record: RemoteClone) -> tuple[int, str]:
    """Oldest first by startedAt, then cloneId: never by list position (api-contract.md §8:
    history order is unknown; newest first and oldest first both occur)."""
    return (record.started_at if record.started_at is not None else 0, record.clone_id)


def order_history(records: Iterable[RemoteClone]) -> tuple[RemoteClone, ...]:
    return tuple(sorted(records, key=history_key))


def _records(data: Any) -> list[Any]:
    """`data` as a list of records: a list, one record object, or nothing."""
    if data is None:
        return []
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if "cloneId" in data:  # one record where a list was expected (JS SDK unit mock)
            return [data]
        for key in ("items", "records", "clones", "data"):
            if isinstance(data.get(key), list):
                return list(data[key])
        if not data:
            return []
    raise TypeError


def parse_clones(payload: Any, path: str) -> tuple[RemoteClone, ...]:
    """Clone records of GET /speech/voice-cloning (any order, any of the §8 shapes),
    returned oldest first by `history_key`."""
    data = payload.get("data") if isinstance(payload, dict) else payload
    try:
        items = _records(data)
    except TypeError:
        raise _malformed("'data' is neither a list nor a clone record", path) from None
    return order_history(parse_clone(item, path) for item in items)


def created_record(payload: Any, path: str) -> RemoteClone:
    """The record a create answered: `data` as one object (or a list: its newest)."""
    records = parse_clones(payload, path)
    if not records:
        raise _malformed("no clone record in the create answer", path)
    return records[-1]


def parse_file(item: Any, path: str) -> RemoteFile:
    """One file item (flat, or wrapped in `data`) → RemoteFile."""
    if isinstance(item, dict) and "fileId" not in item and isinstance(item.get("data"), dict):
        item = item["data"]
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


@dataclass(frozen=True, slots=True)
class FilePage:
    """One page of a folder's files and the total, when the server says it."""

    items: tuple[RemoteFile, ...]
    total: int | None


def parse_file_page(payload: Any, path: str) -> FilePage:
    """`{data: [...], pagination}`, `{data: {files: [...]}}`, `{files: [...]}` or a bare list."""
    data = payload.get("data", payload) if isinstance(payload, dict) else payload
    if isinstance(data, dict):
        data = data.get("files", data.get("items"))
    if not isinstance(data, list):
        raise _malformed("no list of file items in the response", path)
    pages = payload.get("pagination") if isinstance(payload, dict) else None
    total = _integer(pages, "total") if isinstance(pages, dict) else None
    return FilePage(tuple(parse_file(item, path) for item in data), total)


def parse_folder_id(payload: Any, path: str) -> FolderId:
    """`GET /folders?path=` → element 0 of currentPathChain (flat, or wrapped in `data`);
    `POST /folders` → the item (flat or wrapped)."""
    for body in (payload, payload.get("data") if isinstance(payload, dict) else None):
        if not isinstance(body, dict):
            continue
        chain = body.get("currentPathChain")
        item = chain[0] if isinstance(chain, list) and chain else body
        folder = _text(item, "folderId") if isinstance(item, dict) else None
        if folder:
            return FolderId(folder)
    raise _malformed("no folderId in the folder response", path)


def parse_upload_slot(payload: Any, path: str) -> tuple[FileId, str, str]:
    """`POST /files` → (fileId, uploadUrl, mimeType), flat or wrapped in `data`."""
    if isinstance(payload, dict) and isinstance(payload.get("data"), dict):
        payload = payload["data"]
    if isinstance(payload, dict):
        file_id = payload.get("fileId")
        url = payload.get("uploadUrl")
        mime = payload.get("mimeType")
        if isinstance(file_id, str) and isinstance(url, str) and isinstance(mime, str):
            return FileId(file_id), url, mime
    raise _malformed("POST /files answer without fileId, uploadUrl or mimeType", path)
