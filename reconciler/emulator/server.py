"""Front door B: the Emulator over real HTTP/1.1 (stdlib ThreadingHTTPServer, Nagle off).

Frames requests (Content-Length or chunked, with caps) and replies, and acts out transport
faults on the socket. All behaviour stays in core.Emulator; the CLI lives in
reconciler/commands/emulator.py.
"""

from __future__ import annotations

import contextlib
import http
import ipaddress
import re
import signal
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from reconciler.emulator.core import Emulator
from reconciler.emulator.framing import BodyError, read_body
from reconciler.emulator.limits import JSON_BODY_CAP, UPLOAD_CAP
from reconciler.emulator.wire import COMMIT_THEN_DROP, DRIBBLE, HANG, RESET, ApiProblem, EmuReply
from reconciler.emulator.wire import EmuRequest as Request

SAFE_HOST = re.compile(r"[A-Za-z0-9.\-]+(:\d+)?|\[[0-9A-Fa-f:.]+\](:\d+)?")
IDLE_TIMEOUT_S = 120.0
_STATUSES = {status.value for status in http.HTTPStatus}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: Emulator, family: int) -> None:
        self.address_family = family
        self.emulator = emulator
        self.stopping = threading.Event()
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, RequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection per client thread
    default_request_version = "HTTP/1.0"  # error replies to garbage keep a status line
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT_S
    server_version = "AudioStackEmulator/1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request log is in core, and headers (keys) are never printed."""

    def _serve(self) -> None:
        try:
            self._serve_one()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True
        except Exception:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._send(ApiProblem(500, "internal emulator error").to_reply(), close=True)

    def __getattr__(self, name: str) -> Any:
        """Every method reaches the core, which answers 404/405 JSON (never a 501 page)."""
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (bad request line, oversized headers) as JSON too."""
        if code >= 500:  # a client's bad framing (e.g. HTTP/9.9) is a client error here
            code = 400
        phrase = http.HTTPStatus(code).phrase if code in _STATUSES else "Error"
        self.close_connection = True
        with contextlib.suppress(OSError):
            self._send(ApiProblem(code, message or phrase).to_reply(), close=True)

    def _serve_one(self) -> None:
        split = urlsplit(self.path)
        path = unquote(split.path) or "/"
        cap = UPLOAD_CAP if path.startswith("/_upload/") else JSON_BODY_CAP
        try:
            body = read_body(self.rfile, self.headers, cap)
        except BodyError as exc:
            if exc.problem is not None:
                self._send(exc.problem.to_reply(), close=True)
            self.close_connection = True
            return
        request = Request(
            method=self.command,
            path=path,
            query=tuple(parse_qsl(split.query, keep_blank_values=True)),
            headers=tuple(self.headers.items()),
            body=body,
            base_url=f"http://{self._host()}",
            loopback=is_loopback(str(self.client_address[0])),
        )
        reply = self.server.emulator.handle(request)
        fault = reply.transport_fault
        if fault in (RESET, COMMIT_THEN_DROP):
            self._drop()
        elif fault == HANG:
            self.server.stopping.wait(reply.fault_seconds)
            self._drop()
        elif fault == DRIBBLE:
            self._send(reply, dribble=reply.fault_seconds)
        else:
            self._send(reply)

    def _host(self) -> str:
        host = self.headers.get("Host", "")
        if SAFE_HOST.fullmatch(host):
            return host
        address, port = str(self.server.server_address[0]), self.server.server_address[1]
        return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"

    def _send(self, reply: EmuReply, *, close: bool = False, dribble: float = 0.0) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command == "HEAD" or not reply.body:
            return
        if not dribble:
            self.wfile.write(reply.body)
            return
        for index in range(len(reply.body)):
            if self.server.stopping.wait(dribble):
                break
            self.wfile.write(reply.body[index : index + 1])

    def _drop(self) -> None:
        """Close without a reply; linger 0 turns the close into a TCP reset."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def is_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1 on a dual-stack socket
    return bool(ip.is_loopback or (mapped is not None and mapped.is_loopback))


@dataclass
class RunningServer:
    base_url: str
    server: _Server
    thread: threading.Thread

    def close(self) -> None:
        self.server.stopping.set()
        self.server.shutdown()
        self.server.drop_connections()
        self.server.server_close()
        self.thread.join(timeout=5)


def _bind(emulator: Emulator, host: str, port: int) -> tuple[_Server, str]:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server = _Server((host, port), emulator, family)
    bound = server.server_address[1]
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
    url_host = f"[{shown}]" if ":" in shown else shown
    return server, f"http://{url_host}:{bound}"


def serve_in_thread(emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    server, base_url = _bind(emulator, host, port)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    return RunningServer(base_url, server, thread)


def serve(
    emulator: Emulator,
    host: str = "127.0.0.1",
    port: int = 8787,
    *,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until Ctrl-C or SIGTERM (blocking; the CLI's `emulator serve`)."""
    server, base_url = _bind(emulator, host, port)
    previous: Any = None
    in_main = threading.current_thread() is threading.main_thread()
    if in_main:
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        if on_ready is not None:
            on_ready(base_url)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.stopping.set()
        server.drop_connections()
        server.server_close()
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
