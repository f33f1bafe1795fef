"""HTTP/1.1 request-body framing for the served emulator: Content-Length or chunked, with a
cap, so no client can make the server buffer more than it allows. No routing here."""

from __future__ import annotations

from email.message import Message
from typing import Protocol

from reconciler.emulator.wire import ApiProblem

LINE_MAX = 1024


class Reader(Protocol):
    def read(self, size: int, /) -> bytes: ...

    def readline(self, size: int, /) -> bytes: ...


class BodyError(Exception):
    def __init__(self, problem: ApiProblem | None) -> None:
        super().__init__(problem.message if problem else "client went away")
        self.problem = problem  # None: the client vanished, nothing to answer


def read_body(rfile: Reader, headers: Message, cap: int) -> bytes:
    """The whole body, or BodyError (400 malformed, 413 over `cap`, None if cut short)."""
    if "chunked" in headers.get("Transfer-Encoding", "").lower():
        return _read_chunked(rfile, cap)
    raw = headers.get("Content-Length")
    if raw is None:
        return b""
    if len({value.strip() for value in headers.get_all("Content-Length", [])}) > 1:
        # two different lengths: which body is meant is ambiguous (RFC 9112 §6.3)
        raise BodyError(ApiProblem(400, "conflicting Content-Length headers"))
    try:
        length = int(raw.strip())
    except ValueError:
        length = -1
    if length < 0:
        raise BodyError(ApiProblem(400, "invalid Content-Length"))
    if length > cap:
        raise BodyError(ApiProblem(413, f"request body too large: {length} bytes > {cap}"))
    data = rfile.read(length)
    if len(data) != length:
        raise BodyError(None)
    return data


def _read_chunked(rfile: Reader, cap: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        line = rfile.readline(LINE_MAX)
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise BodyError(ApiProblem(400, "malformed chunked body")) from None
        if size < 0 or total + size > cap:
            raise BodyError(ApiProblem(413, f"request body too large: over {cap} bytes"))
        if size == 0:
            while rfile.readline(LINE_MAX) not in (b"\r\n", b"\n", b""):
                pass  # trailers are ignored
            return b"".join(parts)
        chunk = rfile.read(size)
        if len(chunk) != size:
            raise BodyError(None)
        parts.append(chunk)
        total += size
        rfile.readline(LINE_MAX)  # the CRLF after each chunk
