"""The upload of one local file's bytes: its size, the body streamed and hashed while read,
and the wait until the server has processed the file item (api-contract.md §4).

Used by client.py for `upload`; no routes, headers or retries here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

from reconciler.audiostack.retry import Sleep
from reconciler.model.errors import BadRequestError, ServerError, UploadMismatchError
from reconciler.model.values import FileStatus, RemoteFile, Sha256
from reconciler.redact import safe

CHUNK = 256 * 1024
UPLOAD_POLLS = 20  # GET /files/{id} checks after the PUT; about 35 s in all


def await_uploaded(
    read_item: Callable[[], RemoteFile], name: str, path: str, sleep: Sleep
) -> RemoteFile:
    """Poll the file item (`read_item`, a GET of `path`) until the server processed it."""
    status = FileStatus.UNKNOWN
    for attempt in range(UPLOAD_POLLS):
        item = read_item()
        status = item.status
        if status == FileStatus.UPLOADED:
            return item
        if status == FileStatus.FAILED:
            message = f"the server could not process {safe(name, 120)} (status failed)"
            raise BadRequestError(message, method="GET", path=path)
        sleep(min(2.0, 0.25 * 2**attempt))
    message = f"{safe(name, 120)} still {str(status)!r} after {UPLOAD_POLLS} checks"
    raise ServerError(message, method="GET", path=path)


def measure_file(path: Path, name: str) -> int:
    """Size of the local file to upload (sent as Content-Length: presigned PUTs refuse
    chunked bodies)."""
    try:
        return path.stat().st_size
    except OSError as exc:
        message = f"cannot read {safe(name, 120)}: {exc.strerror or type(exc).__name__}"
        raise UploadMismatchError(message) from exc


def hashed_chunks(path: Path, size: int, sha256: Sha256, name: str) -> Iterator[bytes]:
    """The file's bytes, hashed while read. Raises before the last chunk leaves when the
    content no longer matches the validated sha256, so the server never gets a whole
    wrong body."""
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
                pending = ahead
    except OSError as exc:
        message = f"cannot read {safe(name, 120)}: {exc.strerror or type(exc).__name__}"
        raise UploadMismatchError(message) from exc
    if sent == 0 and digest.hexdigest() != sha256:
        raise changed
