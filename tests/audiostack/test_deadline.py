"""The per-request deadline against a real local socket that dribbles its reply (R6)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from reconciler.audiostack.client import AudioStackClient
from reconciler.audiostack.retry import RetryPolicy
from reconciler.model.errors import TransportError
from reconciler.model.values import Alias

StartServer = Callable[[bytes, float], str]  # (reply head, seconds per byte) → base URL


def _serve(listener: socket.socket, stop: threading.Event, head: bytes, interval: float) -> None:
    conn, _ = listener.accept()
    with conn:
        conn.recv(65536)  # the request; its content does not matter
        try:
            if head:
                conn.sendall(head)
            while not stop.is_set():
                if head:
                    conn.sendall(b"x")
                stop.wait(interval)
        except OSError:  # the client gave up and closed the connection
            return


@pytest.fixture
def dribbling_server() -> Iterator[StartServer]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def start(head: bytes, interval: float) -> str:
        thread = threading.Thread(target=_serve, args=(listener, stop, head, interval), daemon=True)
        thread.start()
        threads.append(thread)
        return f"http://127.0.0.1:{listener.getsockname()[1]}"

    yield start
    stop.set()
    for thread in threads:
        thread.join(timeout=5)
    listener.close()


def _client(base_url: str, read_s: float, deadline_s: float) -> AudioStackClient:
    return AudioStackClient(
        base_url,
        "sk-deadline-test",
        timeout=httpx.Timeout(connect=1, read=read_s, write=1, pool=1),
        request_deadline_s=deadline_s,
        retry=RetryPolicy(max_attempts=1),
    )


def test_a_body_dribbling_under_the_read_timeout_still_ends_at_the_deadline(
    dribbling_server: StartServer,
) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    base = dribbling_server(head, 0.9)
    started = time.monotonic()
    with (
        _client(base, read_s=1.0, deadline_s=1.5) as client,
        pytest.raises(TransportError) as caught,
    ):
        client.get_clones(Alias("anna"))
    elapsed = time.monotonic() - started
    assert str(caught.value) == (
        "GET /speech/voice-cloning?alias=anna: no complete response within 1.5 s"
    )
    assert 1.5 <= elapsed < 3.0


def test_a_server_that_never_answers_hits_the_read_timeout(
    dribbling_server: StartServer,
) -> None:
    base = dribbling_server(b"", 0.05)
    with (
        _client(base, read_s=0.3, deadline_s=10) as client,
        pytest.raises(TransportError) as caught,
    ):
        client.get_clones(Alias("anna"))
    assert str(caught.value) == (
        "GET /speech/voice-cloning?alias=anna: timed out waiting for the response"
    )
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
