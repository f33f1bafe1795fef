"""The admin API under /_emulator/: reset, state, keys, credits, seeded clones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from reconciler.emulator.core import Emulator

Create = Callable[..., httpx.Response]
History = Callable[[httpx.Client, str], list[dict[str, Any]]]


def test_reset_wipes_state_and_sets_the_balance(
    client: httpx.Client,
    admin: Callable[..., Any],
    create: Create,
    voice_files: list[str],
) -> None:
    create(client, "anna", voice_files)
    admin("POST", "/faults", {"route": "/nothing", "status": 500})
    admin("POST", "/reset", {"credits": 500})
    state = admin("GET", "/state")
    assert state["clones"] == [] and state["files"] == [] and state["folders"] == []
    assert state["credits"] == {"org-default": 500}
    assert state["faults"] == []
    assert state["users"] == [{"userId": "user-default", "orgId": "org-default"}]
    assert admin("GET", "/requests")["requests"] == []
    assert client.get("/speech/voice-cloning").json()["meta"]["creditsRemaining"] == 500


def test_reset_with_an_empty_body_restores_the_default_balance(
    client: httpx.Client, admin: Callable[..., Any]
) -> None:
    admin("POST", "/credits", {"org": "org-default", "balance": 1})
    assert client.post("/_emulator/reset").status_code == 200
    assert admin("GET", "/state")["credits"] == {"org-default": 10_000}


def test_state_dump_lists_files_with_their_content_hash(
    client: httpx.Client,
    admin: Callable[..., Any],
    upload_file: Callable[..., str],
    wav: Callable[..., bytes],
) -> None:
    import hashlib

    data = wav(2.0)
    file_id = upload_file(client, "a.wav", data)
    (item,) = admin("GET", "/state")["files"]
    assert (item["fileId"], item["orgId"]) == (file_id, "org-default")
    assert item["sha256"] == hashlib.sha256(data).hexdigest()


def test_seeded_clone_records_are_served_like_real_ones(
    client: httpx.Client, admin: Callable[..., Any], history: History
) -> None:
    seeded = admin(
        "POST",
        "/clones",
        {"alias": "old-voice", "metadata": {"managed_by": "voicectl:acme"}, "filesUsed": ["f1"]},
    )["record"]
    assert seeded["status"] == "succeeded"
    assert history(client, "old-voice") == [seeded]
    assert client.get("/speech/voice/old-voice").status_code == 200


def test_seeded_foreign_record_holds_the_alias_but_stays_invisible(
    client: httpx.Client,
    admin: Callable[..., Any],
    create: Create,
    history: History,
    voice_files: list[str],
) -> None:
    record = admin("POST", "/clones", {"alias": "taken", "foreign": True})["record"]
    assert (record["orgId"], record["userId"]) == ("org-foreign", "user-foreign")
    assert history(client, "taken") == []
    assert create(client, "taken", voice_files).status_code == 409


def test_seeded_running_record_moves_through_the_lifecycle(
    client: httpx.Client, admin: Callable[..., Any], history: History, voice_files: list[str]
) -> None:
    admin("POST", "/clock", {"mode": "manual"})
    admin("POST", "/clones", {"alias": "run", "status": "preparing", "discardedFiles": {},
                              "filesUsed": voice_files})  # fmt: skip
    assert admin("GET", "/state")["orgs"][0]["reserved"] == 300
    assert history(client, "run")[0]["filesUsed"] == []
    admin("POST", "/advance", {"alias": "run", "to": "succeeded"})
    record = history(client, "run")[0]
    assert (record["status"], record["filesUsed"]) == ("succeeded", voice_files)
    assert client.get("/speech/voice-cloning").json()["meta"]["creditsRemaining"] == 9_700


def test_seeding_a_duplicate_clone_id_is_a_conflict(
    client: httpx.Client, admin: Callable[..., Any]
) -> None:
    admin("POST", "/clones", {"alias": "a1", "cloneId": "fixed"})
    again = client.post("/_emulator/clones", json={"alias": "a2", "cloneId": "fixed"})
    assert (again.status_code, again.json()) == (409, {"message": "cloneId already exists"})


def test_admin_can_delete_records_the_public_api_cannot(
    client: httpx.Client, admin: Callable[..., Any], history: History
) -> None:
    admin("POST", "/clones", {"alias": "gone"})
    assert client.delete("/_emulator/clones", params={"alias": "gone"}).json() == {"deleted": 1}
    assert history(client, "gone") == []


def test_the_clock_route_reports_mode_and_time(admin: Callable[..., Any]) -> None:
    answer = admin("POST", "/clock", {"mode": "manual", "now": 1_700_000_000})
    assert answer["mode"] == "manual"
    assert 1_700_000_000 <= answer["now"] < 1_700_000_010
    assert admin("POST", "/clock", {"advance_s": 60})["now"] >= 1_700_000_060


def test_requests_log_can_be_cleared(client: httpx.Client, admin: Callable[..., Any]) -> None:
    client.get("/folders")
    admin("DELETE", "/requests")
    assert admin("GET", "/requests")["requests"] == []


def test_unknown_admin_route_is_404_and_wrong_method_405(client: httpx.Client) -> None:
    assert client.get("/_emulator/nope").json() == {"message": "no admin route /nope"}
    wrong = client.put("/_emulator/reset")
    assert (wrong.status_code, wrong.json()) == (
        405,
        {"message": "method PUT not allowed on /_emulator/reset"},
    )


def test_admin_routes_work_without_a_key(
    emulator: Emulator, make_client: Callable[..., httpx.Client]
) -> None:
    with make_client(emulator, key=None) as anonymous:
        assert anonymous.get("/_emulator/state").status_code == 200
