"""The response shapes of each dialect (dialects.py), applied to the guide-shaped JSON the
handlers build: clone records, alias histories, folder listings, file pages, errors and
the route refusals. Pure functions over JSON values; no state, no SQL.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.emulator.dialects import (
    GATEWAY_MISSING,
    KEPT_METADATA,
    PAGE_CAP,
    SERVER_METADATA,
    Dialect,
)
from reconciler.emulator.wire import ApiProblem, EmuReply, json_reply

CLONING, BUILDER = "/speech/voice-cloning", "/speech/voice-builder"


def shape_record(record: dict[str, Any], dialect: Dialect) -> dict[str, Any]:
    """One clone record as the dialect answers it."""
    out = dict(record)
    if dialect.has("segments") and out["status"] == "succeeded":
        # INVENTED: api-contract.md §8 (two segments per used file, as in the JS test mock)
        out["filesUsed"] = [f"{fid}_{n}" for fid in record["filesUsed"] for n in (0, 1)]
    if dialect.has("server-metadata"):
        out["metadata"] = {**SERVER_METADATA, **record["metadata"]}
    return out


def stored_metadata(metadata: dict[str, Any], dialect: Dialect) -> dict[str, Any]:
    """What the server keeps of the metadata a create sent (drop-metadata: row 5)."""
    if dialect.has("drop-metadata"):
        return {k: v for k, v in metadata.items() if k in KEPT_METADATA}
    return metadata


def shape_history(records: list[dict[str, Any]], dialect: Dialect) -> Any:
    """The `data` of GET ?alias=: oldest first (guide), newest first, or one object."""
    shaped = [shape_record(r, dialect) for r in records]
    if dialect.has("newest-first"):
        shaped.reverse()
    if dialect.has("alias-object"):
        if not shaped:
            # INVENTED: api-contract.md §8 (alias-object: no record → 404)
            raise ApiProblem(404, "voice clone not found")
        return max(shaped, key=lambda r: r["startedAt"])
    return shaped


def refuse_list_all(dialect: Dialect) -> None:
    """list-all-403 / list-all-500: GET without ?alias= is not served."""
    if dialect.has("list-all-403"):
        raise ApiProblem(403, "Forbidden")  # INVENTED: api-contract.md §8
    if dialect.has("list-all-500"):
        raise ApiProblem(500, "Internal server error")  # INVENTED: api-contract.md §8


def refuse_route(path: str, dialect: Dialect) -> None:
    """builder-only / cloning-only: the missing route answers like an API gateway does."""
    missing = (dialect.has("builder-only") and path.startswith(CLONING)) or (
        dialect.has("cloning-only") and path.startswith(BUILDER)
    )
    if missing:
        raise ApiProblem(403, GATEWAY_MISSING)


def folder_listing(listing: dict[str, Any], dialect: Dialect) -> dict[str, Any]:
    """GET /folders: flat (guide) or wrapped in {data, pagination} (the Python SDK reads both)."""
    if not dialect.has("wrapped-folders"):
        return listing
    count = len(listing["folders"]) + len(listing["files"])
    return {"data": listing, "pagination": {"limit": 100, "offset": 0, "total": count}}


def page_limit(limit: int, dialect: Dialect) -> int:
    return min(limit, PAGE_CAP) if dialect.has("capped-pages") else limit


def file_page(items: list[dict[str, Any]], page: dict[str, int], dialect: Dialect) -> Any:
    """GET /folders/{id}/files: {data, pagination} (guide), without total, or a bare list."""
    if dialect.has("bare-files"):
        return items
    if dialect.has("capped-pages"):
        page = {k: v for k, v in page.items() if k != "total"}
    return {"data": items, "pagination": page}


def shape_error(reply: EmuReply, dialect: Dialect) -> EmuReply:
    """error-details: `errors` becomes `details` (the Python SDK reads either)."""
    if not dialect.has("error-details") or reply.status < 400 or not reply.body:
        return reply
    try:
        body = json.loads(reply.body)
    except ValueError:
        return reply
    if not isinstance(body, dict) or "errors" not in body:
        return reply
    body["details"] = body.pop("errors")
    rest = tuple((k, v) for k, v in reply.headers if k.lower() != "content-type")
    return json_reply(reply.status, body, rest)
