"""The upload of one local file's bytes: its size, the body streamed and hashed while read,
and the wait until the server has processed the file item (api-contract.md §4).

Used by client.py for `upload`; no routes, headers or retries here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

from reconciler.audiostack.retry import Sleep
from reconciler.model.errors import (
    ApiError,
    BadRequestError,
    UploadMismatchError,
    UploadPendingError,
)
from reconciler.model.values import FileStatus, RemoteFile, Sha256
from reconciler.model.voiceapi import UploadWait
from reconciler.redact import safe

CHUNK = 256 * 1024
WaitProgress = Callable[[float, str], None]  # (seconds waited so far, status seen)


def await_uploaded(
    read_item: Callable[[], RemoteFile],
    name: str,
    path: str,
    *,
    wait: UploadWait,
    sleep: Sleep,
    clock: Callable[[], float],
    progress: WaitProgress | None = None,
) -> RemoteFile:
    """Poll the file item (`read_item`, a GET of `path`) until the server processed it.
    Past `wait.timeout_s` the file is left to the server: `UploadPendingError` (not
    transient), so nobody asks for a second upload slot for the same content."""
    start = clock()
    reported = start
    attempt = 0
    while True:
        item = read_item()
        if item.status == FileStatus.UPLOADED:
            return item
        if item.status == FileStatus.FAILED:
            message = f"the server could not process {safe(name, 120)} (status failed)"
            raise BadRequestError(message, method="GET", path=path)
        waited = clock() - start
        if waited >= wait.timeout_s:
            message = (
                f"{safe(name, 120)} still {str(item.status)!r} after {wait.timeout_s:g} s; "
                "the next run waits for it again instead of uploading it twice"
            )
            raise UploadPendingError(message, method="GET", path=path)
        if progress is not None and clock() - reported >= wait.report_every_s:
            reported = clock()
            progress(waited, str(item.status))
        sleep(min(wait.poll_cap_s, 0.25 * 2 ** min(attempt, 16), wait.timeout_s - waited))
        attempt += 1


def refused_upload_url(exc: ApiError, path: str) -> BadRequestError:
    """A 401/403 on the presigned PUT: the URL carries no key, so its signature or expiry
    failed (not the API key)."""
    message = "the upload URL was refused (expired or invalid signature)"
    return BadRequestError(
        message, status=exc.status, request_id=exc.request_id, method="PUT", path=path
    )


def measure_file(path: Path, name: str) -> int:
    """Size of the local file to upload (sent as Content-Length: presigned PUTs refuse
    chunked bodies)."""
    try:
        return path.stat().st_size
    except OSError as exc:
        message = f"cannot read {safe(name, 120)}: {exc.strerror or type(exc).__name__}"
        raise UploadMismatchError(message) from exc


def hashed_chunks(
    path: Path,
    size: int,
    sha256: Sha256,
    name: str,
    *,
    on_sent: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """The file's bytes, hashed while read. Raises before the last chunk leaves when the
    content no longer matches the validated sha256, so the server never gets a whole
    wrong body. `on_sent(n)` is told the bytes taken so far, as the connection takes each
    chunk (a retried PUT starts again from 0)."""
    changed = UploadMismatchError(
        f"{safe(name, 120)} changed since it was validated (sha256 or size differs); "
        "run validate/plan again"
    )
    digest = hashlib.sha256()
    sent = 0
    try:
        with path.open("rb") as handle:
            pending = handle.read(min(CHUNK, size + 1))
            while pending:
                sent += len(pending)
                digest.update(pending)
                ahead = handle.read(min(CHUNK, max(1, size + 1 - sent)))
                grew = sent > size or (sent == size and bool(ahead))
                if grew or (not ahead and (sent != size or digest.hexdigest() != sha256)):
                    raise changed
                yield pending
                if on_sent is not None:
                    on_sent(sent)
                pending = ahead
    except OSError as exc:
        message = f"cannot read {safe(name, 120)}: {exc.strerror or type(exc).__name__}"
        raise UploadMismatchError(message) from exc
    if sent == 0 and digest.hexdigest() != sha256:
        raise changed
