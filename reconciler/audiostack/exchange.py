"""One HTTP attempt under an overall deadline: send, read the whole body, map the outcome.

`send_once` is what the client's pacer retries; it reports every attempt to the
`on_request` hook as a `RequestRecord` (never headers or bodies). Which outcome is which
`ApiError` is decided in httperrors.py; retry decisions live in retry.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx

from reconciler.audiostack.httperrors import (
    Reply,
    error_for_exception,
    error_for_reply,
    find_request_id,
    find_retry_after,
    scrub_chain,
)
from reconciler.audiostack.retry import AttemptResult
from reconciler.model.errors import ServerError, TransportError

MAX_BODY = 64 * 1024 * 1024


class _DeadlineExceeded(Exception):
    """Internal: the overall per-request deadline passed while reading."""


def _until(chunks: Iterator[bytes], clock: Callable[[], float], deadline: float) -> Iterator[bytes]:
    if clock() > deadline:
        raise _DeadlineExceeded
    for chunk in chunks:
        if clock() > deadline:
            raise _DeadlineExceeded
        yield chunk


def read_reply(
    http: httpx.Client,
    request: httpx.Request,
    *,
    clock: Callable[[], float],
    deadline_s: float,
    method: str,
    path: str,
) -> Reply:
    """Send and read the whole body, checking the overall deadline between chunks
    (httpx's read timeout is per chunk, so a dribbling body alone would never end)."""
    deadline = clock() + deadline_s
    try:
        response = http.send(request, stream=True)
        try:
            chunks: list[bytes] = []
            size = 0
            for chunk in _until(response.iter_bytes(), clock, deadline):
                size += len(chunk)
                if size > MAX_BODY:
                    raise ServerError("response body too large", method=method, path=path)
                chunks.append(chunk)
        finally:
            response.close()
    except _DeadlineExceeded as exc:
        message = f"no complete response within {deadline_s:g} s"
        raise TransportError(message, method=method, path=path) from exc
    except httpx.HTTPError as exc:
        raise error_for_exception(exc, method, path) from scrub_chain(exc)
    return Reply(response.status_code, response.headers, b"".join(chunks))


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """What the `on_request` hook sees of one HTTP attempt; never headers or bodies."""

    method: str
    path: str
    status: int | None  # None: no response (timeout, reset, deadline)
    request_id: str | None
    duration_s: float


def send_once(
    http: httpx.Client,
    request: httpx.Request,
    *,
    clock: Callable[[], float],
    deadline_s: float,
    expect_json: bool,
    on_request: Callable[[RequestRecord], None] | None,
    path: str,
) -> AttemptResult:
    """One attempt → (error or None, decoded JSON, Retry-After seconds), reported to
    `on_request`. `path` is what messages show (never an upload URL's signed query)."""
    method = request.method
    start = clock()
    status: int | None = None
    request_id: str | None = None
    try:
        reply = read_reply(
            http, request, clock=clock, deadline_s=deadline_s, method=method, path=path
        )
    except TransportError as exc:
        return exc, None, None
    else:
        status = reply.status
        wait = find_retry_after(reply)
        error, payload = error_for_reply(
            reply, method, path, expect_json=expect_json, retry_after=wait
        )
        request_id = find_request_id(reply, payload)
        return error, payload, wait
    finally:
        if on_request is not None:
            duration = max(0.0, clock() - start)
            on_request(RequestRecord(method, path, status, request_id, duration))
