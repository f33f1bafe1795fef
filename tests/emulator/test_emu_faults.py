"""Fault injection (api-contract.md admin table): status faults, counts, probability, and the
transport faults reset / hang / commit_then_drop / dribble through both front doors."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from reconciler.emulator.core import Emulator
from reconciler.emulator.server import RunningServer, serve_in_thread

Create = Callable[..., httpx.Response]
History = Callable[[httpx.Client, str], list[dict[str, Any]]]


@pytest.fixture
def served(emulator: Emulator) -> Iterator[RunningServer]:
    running = serve_in_thread(emulator)
    yield running
    running.close()


def test_status_fault_fires_times_then_stops(
    client: httpx.Client, admin: Callable[..., Any]
) -> None:
    rule = {"method": "GET", "route": "/speech/voice-cloning", "times": 2, "status": 503,
            "retry_after": 2}  # fmt: skip
    assert isinstance(admin("POST", "/faults", rule)["id"], str)
    first = client.get("/speech/voice-cloning", params={"alias": "a"})
    assert (first.status_code, first.json()) == (503, {"message": "Service Unavailable"})
    assert first.headers["retry-after"] == "2"
    assert client.get("/speech/voice-cloning").status_code == 503
    assert client.get("/speech/voice-cloning").status_code == 200
    log = admin("GET", "/requests")["requests"]
    assert [e["fault"] is not None for e in log] == [True, True, False]


def test_fault_matches_the_route_template_and_method(
    client: httpx.Client, admin: Callable[..., Any]
) -> None:
    admin("POST", "/faults", {"method": "GET", "route": "/files/{fileId}", "status": 500})
    assert client.get("/files/abc").status_code == 500
    assert client.post("/files", json={"file_name": "a.wav"}).status_code == 200
    admin("DELETE", "/faults")
    assert client.get("/files/abc").status_code == 404


def test_fault_body_can_be_html_or_the_gateway_timeout_message(
    client: httpx.Client, admin: Callable[..., Any]
) -> None:
    admin("POST", "/faults", {"route": "/folders", "status": 502, "body": "<html>bad</html>",
                              "times": 1})  # fmt: skip
    admin("POST", "/faults", {"route": "/folders", "status": 504, "times": 1,
                              "body": {"message": "Endpoint request timed out"}})  # fmt: skip
    html = client.get("/folders")
    assert (html.status_code, html.text) == (502, "<html>bad</html>")
    assert html.headers["content-type"].startswith("text/html")
    assert client.get("/folders").json() == {"message": "Endpoint request timed out"}


def test_probability_uses_the_seed_from_reset(
    client: httpx.Client, admin: Callable[..., Any]
) -> None:
    def pattern() -> list[int]:
        admin("POST", "/faults", {"route": "/folders", "status": 503, "probability": 0.5})
        return [client.get("/folders").status_code for _ in range(20)]

    admin("POST", "/reset", {"seed": 42})
    first = pattern()
    admin("POST", "/reset", {"seed": 42})
    assert pattern() == first
    assert set(first) == {200, 503}


def test_reset_fault_raises_a_protocol_error_in_process(
    client: httpx.Client, admin: Callable[..., Any], create: Create, voice_files: list[str],
    history: History,
) -> None:  # fmt: skip
    admin("POST", "/faults", {"method": "POST", "route": "/speech/voice-cloning",
                              "transport": "reset", "times": 1})  # fmt: skip
    with pytest.raises(httpx.RemoteProtocolError):
        create(client, "anna", voice_files)
    assert history(client, "anna") == []  # nothing was committed


def test_hang_raises_a_read_timeout_at_once_in_process(
    client: httpx.Client, admin: Callable[..., Any]
) -> None:
    admin("POST", "/faults", {"route": "/folders", "transport": "hang", "times": 1})
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        client.get("/folders")
    assert time.monotonic() - started < 1


def test_commit_then_drop_stores_the_clone_but_loses_the_reply(
    client: httpx.Client, admin: Callable[..., Any], create: Create, voice_files: list[str],
    history: History,
) -> None:  # fmt: skip
    admin("POST", "/faults", {"method": "POST", "route": "/speech/voice-cloning",
                              "transport": "commit_then_drop", "times": 1})  # fmt: skip
    with pytest.raises(httpx.ReadError):
        create(client, "anna", voice_files)
    assert len(history(client, "anna")) == 1
    (post,) = [e for e in admin("GET", "/requests")["requests"] if e["method"] == "POST"
               and e["path"] == "/speech/voice-cloning"]  # fmt: skip
    assert post["status"] is None


def test_hang_after_commit_stores_the_change(
    client: httpx.Client, admin: Callable[..., Any], create: Create, voice_files: list[str],
    history: History,
) -> None:  # fmt: skip
    admin("POST", "/faults", {"method": "POST", "route": "/speech/voice-cloning",
                              "transport": "hang", "commit": True, "times": 1})  # fmt: skip
    with pytest.raises(httpx.ReadTimeout):
        create(client, "anna", voice_files)
    assert len(history(client, "anna")) == 1


def test_500_after_commit_stores_the_change(
    client: httpx.Client, admin: Callable[..., Any], create: Create, voice_files: list[str],
    history: History,
) -> None:  # fmt: skip
    admin("POST", "/faults", {"method": "POST", "route": "/speech/voice-cloning",
                              "status": 500, "commit": True, "times": 1})  # fmt: skip
    assert create(client, "anna", voice_files).status_code == 500
    assert len(history(client, "anna")) == 1


def test_bad_fault_rules_are_rejected(client: httpx.Client) -> None:
    for rule, message in [
        ({"route": "/folders"}, "a fault needs a status, a transport or a delay_s"),
        ({"status": 503, "transport": "explode"},
         "transport must be one of reset, hang, commit_then_drop, dribble or null"),
        ({"status": 99}, "status must be an integer from 100 to 599"),
        ({"status": 503, "probability": 2}, "probability must be a number from 0 to 1"),
        ({"status": 503, "colour": 1}, "unknown fault field 'colour'"),
    ]:  # fmt: skip
        reply = client.post("/_emulator/faults", json=rule)
        assert (reply.status_code, reply.json()) == (400, {"message": message})


def test_delay_makes_requests_overlap_in_the_in_flight_count(
    emulator: Emulator, client: httpx.Client, admin: Callable[..., Any],
    make_client: Callable[..., httpx.Client],
) -> None:  # fmt: skip
    admin("POST", "/faults", {"route": "/folders", "delay_s": 0.2})

    def one() -> None:
        with make_client(emulator) as own:
            own.get("/folders")

    threads = [threading.Thread(target=one) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    log = admin("GET", "/requests")["requests"]
    assert max(e["inFlight"] for e in log) == 3


def test_served_reset_and_commit_then_drop_close_the_connection(
    served: RunningServer, admin: Callable[..., Any], voice_files: list[str]
) -> None:
    admin("POST", "/faults", {"route": "/folders", "transport": "reset", "times": 1})
    admin("POST", "/faults", {"method": "POST", "route": "/speech/voice-cloning",
                              "transport": "commit_then_drop", "times": 1})  # fmt: skip
    with httpx.Client(base_url=served.base_url, headers={"x-api-key": "emulator"}) as http:
        with pytest.raises(httpx.TransportError):
            http.get("/folders")
        assert http.get("/folders").status_code == 200
        body = {"fileIds": voice_files, "alias": "anna", "engine": "voice_engine_3"}
        with pytest.raises(httpx.TransportError):
            http.post("/speech/voice-cloning", json=body)
        assert len(http.get("/speech/voice-cloning", params={"alias": "anna"}).json()["data"]) == 1


def test_served_hang_is_bounded_and_hits_the_client_timeout(
    served: RunningServer, admin: Callable[..., Any]
) -> None:
    admin("POST", "/faults", {"route": "/folders", "transport": "hang", "hang_s": 5, "times": 1})
    with httpx.Client(base_url=served.base_url, headers={"x-api-key": "emulator"}) as http:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            http.get("/folders", timeout=0.3)
        assert time.monotonic() - started < 2


def test_dribble_sends_the_body_one_byte_at_a_time(
    served: RunningServer, admin: Callable[..., Any], client: httpx.Client
) -> None:
    admin("POST", "/faults", {"route": "/folders", "transport": "dribble", "interval_s": 0.2,
                              "times": 1})  # fmt: skip
    http = httpx.Client(base_url=served.base_url, headers={"x-api-key": "emulator"})
    with http, pytest.raises(httpx.ReadTimeout):
        http.get("/folders", timeout=httpx.Timeout(5, read=0.1))
    admin("POST", "/faults", {"route": "/folders", "transport": "dribble", "interval_s": 0.001,
                              "times": 1})  # fmt: skip
    assert client.get("/folders").json()["folders"] == []
