"""Front door A: an httpx transport that hands requests to the Emulator with no socket.

Transport faults become the httpx exceptions a real network would raise. The only
emulator module that imports httpx; HTTP serving lives in server.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from reconciler.emulator.core import Emulator
from reconciler.emulator.wire import COMMIT_THEN_DROP, DRIBBLE, HANG, RESET, EmuRequest

EMBEDDED_BASE_URL = "http://emulator.invalid"


class _Dribble(httpx.SyncByteStream):
    """A body that arrives one byte per interval (reliability.md R6)."""

    def __init__(self, body: bytes, interval: float) -> None:
        self._body = body
        self._interval = interval

    def __iter__(self) -> Iterator[bytes]:
        for index in range(len(self._body)):
            time.sleep(self._interval)
            yield self._body[index : index + 1]


class EmulatorTransport(httpx.BaseTransport):
    """`httpx.Client(base_url=t.base_url, transport=t)` talks to `emulator` in-process."""

    def __init__(self, emulator: Emulator, base_url: str = EMBEDDED_BASE_URL) -> None:
        self.emulator = emulator
        self.base_url = base_url.rstrip("/")

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}" if url.host else self.base_url
        reply = self.emulator.handle(
            EmuRequest(
                method=request.method,
                path=url.path,
                query=tuple(url.params.multi_items()),
                headers=tuple(
                    (name.decode("latin-1"), value.decode("latin-1"))
                    for name, value in request.headers.raw
                ),
                body=request.read(),
                base_url=origin,
            )
        )
        fault = reply.transport_fault
        if fault == RESET:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        if fault == HANG:  # embedded mode: the read timeout fires at once
            raise httpx.ReadTimeout("The read operation timed out", request=request)
        if fault == COMMIT_THEN_DROP:
            raise httpx.ReadError("Connection dropped after the change was stored", request=request)
        headers = list(reply.headers)
        if fault == DRIBBLE:
            headers.append(("content-length", str(len(reply.body))))
            stream = _Dribble(reply.body, reply.fault_seconds)
            return httpx.Response(reply.status, headers=headers, stream=stream, request=request)
        return httpx.Response(reply.status, headers=headers, content=reply.body, request=request)


def open_embedded(db_path: Path) -> tuple[Emulator, EmulatorTransport]:
    """The CLI's default target without a key: state (blobs included) in `db_path`."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    emulator = Emulator(db_path)
    return emulator, EmulatorTransport(emulator)
