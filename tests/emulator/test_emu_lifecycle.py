"""Clone lifecycle on the injectable clock, credits, and state across restarts
(api-contract.md E4, E13, §7)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from reconciler.emulator.core import Emulator

Create = Callable[..., httpx.Response]
History = Callable[[httpx.Client, str], list[dict[str, Any]]]


def _status(client: httpx.Client, history: History, alias: str) -> str:
    return str(history(client, alias)[-1]["status"])


def test_time_mode_follows_the_instant_engine_timing(
    client: httpx.Client,
    admin: Callable[..., Any],
    create: Create,
    history: History,
    voice_files: list[str],
) -> None:
    admin("POST", "/clock", {"mode": "time"})
    create(client, "anna", voice_files)
    assert _status(client, history, "anna") == "preparing"
    admin("POST", "/clock", {"advance_s": 2.5})
    assert _status(client, history, "anna") == "in_progress"
    assert history(client, "anna")[0]["filesUsed"] == voice_files
    admin("POST", "/clock", {"advance_s": 10})
    record = history(client, "anna")[0]
    assert record["status"] == "succeeded"
    assert record["finishedAt"] - record["startedAt"] in (11, 12, 13)


def test_time_mode_standard_engine_takes_hours_and_scales(
    client: httpx.Client,
    admin: Callable[..., Any],
    create: Create,
    history: History,
    upload_file: Callable[..., str],
    wav: Callable[..., bytes],
) -> None:
    admin("POST", "/clock", {"mode": "time"})
    long_file = upload_file(client, "long.wav", wav(1201.0, rate=1000))
    consent = upload_file(client, "consent.wav", wav(2.0, seed=4))
    create(client, "std", [long_file], engine="voice_engine_2", consentFileId=consent)
    admin("POST", "/clock", {"advance_s": 3600})
    assert _status(client, history, "std") == "in_progress"
    admin("POST", "/clock", {"advance_s": 3700})
    assert _status(client, history, "std") == "succeeded"
    admin("POST", "/clock", {"time_scale": 0.001})  # later clones: 0.06 s + 7.2 s
    assert admin("GET", "/state")["clock"]["timeScale"] == 0.001


def test_immediate_mode_is_terminal_at_the_next_request(
    client: httpx.Client, create: Create, history: History, voice_files: list[str]
) -> None:
    assert create(client, "anna", voice_files).json()["data"]["status"] == "preparing"
    assert _status(client, history, "anna") == "succeeded"


def test_manual_mode_moves_only_when_told(
    client: httpx.Client,
    admin: Callable[..., Any],
    create: Create,
    history: History,
    voice_files: list[str],
) -> None:
    admin("POST", "/clock", {"mode": "manual"})
    create(client, "anna", voice_files)
    admin("POST", "/clock", {"advance_s": 86400})
    assert _status(client, history, "anna") == "preparing"
    assert admin("POST", "/advance", {"alias": "anna"})["record"]["status"] == "in_progress"
    assert admin("POST", "/advance", {"alias": "anna"})["record"]["status"] == "succeeded"
    create(client, "bert", voice_files)
    moved = admin("POST", "/advance", {"alias": "bert", "to": "failed", "failReason": "boom"})
    assert (moved["record"]["status"], moved["record"]["failReason"]) == ("failed", "boom")
    idle = client.post("/_emulator/advance", json={"alias": "bert"})
    assert (idle.status_code, idle.json()) == (
        404,
        {"message": "no running clone with alias 'bert'"},
    )


def test_credits_are_charged_only_on_success(
    client: httpx.Client,
    admin: Callable[..., Any],
    create: Create,
    voice_files: list[str],
) -> None:
    admin("POST", "/clock", {"mode": "manual"})
    assert create(client, "anna", voice_files).json()["meta"]["creditsRemaining"] == 10_000
    state = admin("GET", "/state")
    assert state["orgs"] == [{"orgId": "org-default", "balance": 10_000, "reserved": 300}]
    admin("POST", "/advance", {"alias": "anna", "to": "succeeded"})
    create(client, "bert", voice_files)
    admin("POST", "/advance", {"alias": "bert", "to": "failed"})
    listing = client.get("/speech/voice-cloning").json()
    assert listing["meta"]["creditsRemaining"] == 9_700
    assert admin("GET", "/state")["orgs"][0]["reserved"] == 0


def test_insufficient_credits_is_a_402_counting_reservations(
    client: httpx.Client,
    admin: Callable[..., Any],
    create: Create,
    voice_files: list[str],
) -> None:
    admin("POST", "/clock", {"mode": "manual"})
    admin("POST", "/credits", {"org": "org-default", "balance": 700})
    assert create(client, "one", voice_files).status_code == 202
    assert create(client, "two", voice_files).status_code == 202
    third = create(client, "three", voice_files)
    assert third.status_code == 402
    assert third.json() == {"message": "insufficient credits: 300 required, 100 available"}
    admin("POST", "/advance", {"alias": "one", "to": "failed"})  # releases its 300
    assert create(client, "three", voice_files).status_code == 202


def test_standard_engine_402_wording(
    client: httpx.Client,
    admin: Callable[..., Any],
    create: Create,
    voice_files: list[str],
    upload_file: Callable[..., str],
    wav: Callable[..., bytes],
) -> None:
    admin("POST", "/credits", {"org": "org-default", "balance": 300})
    consent = upload_file(client, "consent.wav", wav(2.0, seed=8))
    reply = create(client, "std", voice_files, engine="voice_engine_2", consentFileId=consent)
    assert reply.json() == {"message": "insufficient credits: 1200 required, 300 available"}


def test_state_survives_a_restart_on_the_same_file(
    tmp_path: Path,
    make_client: Callable[..., httpx.Client],
    create: Create,
    history: History,
    upload_file: Callable[..., str],
    wav: Callable[..., bytes],
) -> None:
    db = tmp_path / "state" / "emulator.sqlite3"
    first = Emulator(db, clock_mode="manual")
    with make_client(first) as client:
        data = wav(2.0)
        file_id = upload_file(client, "a.wav", data)
        create(client, "anna", [file_id])
        client.post("/_emulator/clock", json={"advance_s": 500})
    first.close()
    with sqlite3.connect(db) as conn:  # the bytes are in the state file
        assert conn.execute("SELECT COUNT(*) FROM blobs").fetchone() == (1,)
    conn.close()
    second = Emulator(db, clock_mode="immediate")
    with make_client(second) as client:
        assert _status(client, history, "anna") == "succeeded"
        item = client.get(f"/files/{file_id}").json()
        assert client.get(item["url"]).content == data
        assert second.clock.offset >= 500  # the virtual time reached is kept
    second.close()
