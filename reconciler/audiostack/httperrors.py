"""The one place where HTTP outcomes become our `ApiError` tree.

A buffered `Reply` or an httpx exception becomes a typed, scrubbed, truncated error; also
reads the request id and `Retry-After`. Sending and deadlines live in exchange.py, retry
decisions in retry.py, knowledge of routes in client.py.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from reconciler.audiostack.retry import parse_retry_after
from reconciler.model.errors import (
    ApiError,
    AuthError,
    BadRequestError,
    ConflictError,
    CreditsError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TransportError,
)
from reconciler.redact import BODY_LIMIT, safe, scrub

KEY_VARIABLE = "AUDIOSTACK_API_KEY"
GATEWAY_TIMEOUT_MESSAGE = "Endpoint request timed out"
_NO_JSON = object()

_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthError,
    402: CreditsError,
    403: AuthError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitedError,
}


@dataclass(frozen=True, slots=True)
class Reply:
    """One complete HTTP answer as read by the client (body fully buffered)."""

    status: int
    headers: httpx.Headers
    body: bytes

    def json(self) -> Any:
        """The decoded JSON body, or the `_NO_JSON` sentinel when empty or not JSON."""
        if not self.body.strip():
            return _NO_JSON
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return _NO_JSON


def find_request_id(reply: Reply, payload: Any) -> str | None:
    """meta.requestId of the envelope, else the x-request-id header."""
    meta = payload.get("meta") if isinstance(payload, dict) else None
    value = meta.get("requestId") if isinstance(meta, dict) else None
    if not isinstance(value, str) or not value:
        value = reply.headers.get("x-request-id")
    return safe(value, 80) if value else None


def describe_body(reply: Reply, payload: Any) -> str:
    """The server's words: `message` (+ `errors`, or `details` as the Python SDK also reads)
    from JSON, else the raw body, else the reason phrase. Always scrubbed of secrets,
    stripped of control characters, ≤ 256."""
    if isinstance(payload, dict) and isinstance(payload.get("message"), str):
        text = payload["message"]
        errors = payload.get("errors") or payload.get("details")
        if isinstance(errors, str):
            errors = [errors]
        extra = [str(e) for e in errors if str(e) not in text] if isinstance(errors, list) else []
        if extra:  # `errors` often just repeats a single-problem `message`
            text = f"{text}: " + "; ".join(extra)
        return safe(text, BODY_LIMIT)
    if reply.body.strip():
        raw = reply.body.decode("utf-8", errors="replace")
        return "non-JSON response: " + safe(" ".join(raw.split()), BODY_LIMIT)
    return httpx.codes.get_reason_phrase(reply.status) or "empty response"


def _auth_message(status: int, server: str) -> str:
    if status == 401:
        return f"authentication failed ({server}); check {KEY_VARIABLE}"
    return f"access denied ({server}); check {KEY_VARIABLE} and AUDIOSTACK_ORG_ID"


def error_for_reply(
    reply: Reply, method: str, path: str, *, expect_json: bool, retry_after: float | None
) -> tuple[ApiError | None, Any]:
    """(error or None, decoded JSON payload). Gateway garbage and the gateway timeout
    message count as transient server errors even when the status says otherwise."""
    payload = reply.json()
    request_id = find_request_id(reply, payload)
    meta: dict[str, Any] = {
        "status": reply.status,
        "request_id": request_id,
        "method": method,
        "path": path,
    }
    server = describe_body(reply, payload)
    is_timeout = isinstance(payload, dict) and payload.get("message") == GATEWAY_TIMEOUT_MESSAGE
    if is_timeout:
        return ServerError(server, **meta), payload
    if 200 <= reply.status < 300:
        if expect_json and payload is _NO_JSON:
            return ServerError(f"expected JSON, got {server}", **meta), payload
        return None, (None if payload is _NO_JSON else payload)
    if reply.status >= 500:
        return ServerError(server, **meta), payload
    cls = _BY_STATUS.get(reply.status, BadRequestError)
    if cls is AuthError:
        return AuthError(_auth_message(reply.status, server), **meta), payload
    if cls is RateLimitedError:
        return RateLimitedError(server, retry_after=retry_after, **meta), payload
    if reply.status < 400:
        return BadRequestError(f"unexpected HTTP {reply.status} ({server})", **meta), payload
    return cls(server, **meta), payload


def error_for_exception(exc: Exception, method: str, path: str) -> TransportError:
    """An httpx failure with no usable response → TransportError (the caller chains it)."""
    if isinstance(exc, httpx.ConnectTimeout):
        text = "connection timed out"
    elif isinstance(exc, httpx.ReadTimeout):
        text = "timed out waiting for the response"
    elif isinstance(exc, httpx.WriteTimeout):
        text = "timed out sending the request"
    elif isinstance(exc, httpx.PoolTimeout):
        text = "timed out waiting for a free connection"
    elif isinstance(exc, httpx.ConnectError):
        text = f"could not connect ({safe(str(exc), 120)})"
    elif isinstance(exc, httpx.RemoteProtocolError):
        text = "connection closed without a complete response"
    elif isinstance(exc, httpx.ReadError | httpx.WriteError):
        text = "connection reset"
    else:
        text = f"{type(exc).__name__}: {safe(str(exc), 120)}"
    return TransportError(text, method=method, path=path)


def find_retry_after(reply: Reply) -> float | None:
    """Seconds from `Retry-After` on a 429/503; an HTTP-date is read against the server's
    own Date header when present, so clock skew does not matter."""
    if reply.status not in (429, 503):
        return None
    value = reply.headers.get("retry-after")
    if not value:
        return None
    now = time.time()
    date = reply.headers.get("date")
    if date:
        with contextlib.suppress(TypeError, ValueError, IndexError):
            now = parsedate_to_datetime(date).timestamp()
    return parse_retry_after(value, now)


def scrub_chain(exc: BaseException) -> BaseException:
    """Scrub secrets from the args of a chained exception (and what it chains) in place,
    since `--debug` tracebacks print them."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        link.args = tuple(scrub(a) if isinstance(a, str) else a for a in link.args)
        link = link.__cause__ or link.__context__
    return exc
