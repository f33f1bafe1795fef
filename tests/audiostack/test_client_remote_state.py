"""The client reading remote state from the emulator: fetch_state on seeded scenarios, the
list-all fallback, trace ids, deadlines and folder paging."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from reconciler.audiostack.remote import fetch_state
from reconciler.audiostack.retry import RetryPolicy
from reconciler.model.errors import (
    TransportError,
)
from reconciler.model.values import Alias, FileId
from reconciler.redact import scrub
from tests.support.clientrig import EmulatorRig, upload_wav

CLONES = "/speech/voice-cloning"


def _seed(rig: EmulatorRig, **record: Any) -> None:
    rig.post("clones", record)


def test_fetch_state_reads_a_seeded_scenario_with_gets_only(
    rig: EmulatorRig, tmp_path: Path
) -> None:
    rig.post("clock", {"mode": "manual"})  # keep bob running
    owner = {"managed_by": "voicectl:acme/voices"}
    _seed(
        rig,
        alias="anna",
        status="failed",
        startedAt=100,
        failReason="not enough audio",
        metadata=owner,
    )
    _seed(
        rig,
        alias="anna",
        status="succeeded",
        startedAt=200,
        metadata=owner,
        discardedFiles={"f9": "unreadable audio"},
    )
    _seed(rig, alias="bob", status="in_progress", startedAt=150, metadata=owner)
    _seed(rig, alias="theirs", status="succeeded", foreign=True)
    setup = rig.client()
    folder = setup.create_folder("voicectl")
    kept = upload_wav(rig, tmp_path, folder, "take", 2.0)
    outside = setup.create_folder("elsewhere")
    other = upload_wav(rig, tmp_path, outside, "other", 1.6)
    rig.admin.delete("/_emulator/requests")

    state = fetch_state(
        rig.client(),
        [Alias("anna"), Alias("bob"), Alias("new-one")],
        folder_name="voicectl",
        declared_file_ids=[other.file_id, FileId("00000000-0000-4000-8000-000000000000")],
    )
    assert {a: [r.status for r in h] for a, h in state.clones.items()} == {
        "anna": ["failed", "succeeded"],
        "bob": ["in_progress"],
    }
    assert state.clones[Alias("anna")][1].discarded == {"f9": "unreadable audio"}
    assert state.files_by_name == {kept.name: kept}
    assert state.files_by_id == {kept.file_id: kept, other.file_id: other}
    assert (state.folder_id, state.credits_remaining, state.complete_listing) == (
        folder,
        10000,
        True,
    )
    assert {r["method"] for r in rig.requests()} == {"GET"}


def test_fetch_state_falls_back_to_per_alias_reads_when_list_all_is_refused(
    rig: EmulatorRig,
) -> None:
    _seed(rig, alias="anna", status="succeeded", startedAt=200)
    _seed(rig, alias="zed", status="succeeded", startedAt=200)
    rig.post("faults", {"method": "GET", "route": CLONES, "status": 400, "times": 1})
    state = fetch_state(rig.client(), [Alias("anna"), Alias("bob")], folder_name="voicectl")
    assert list(state.clones) == ["anna"]  # zed is not declared, so not read
    assert state.complete_listing is False
    assert state.credits_remaining == 10000
    queries = sorted(r["query"] for r in rig.requests() if r["route"] == CLONES)
    assert queries == ["", "alias=anna", "alias=bob"]


def test_every_call_carries_the_run_trace_id(rig: EmulatorRig) -> None:
    client = rig.client(trace_id="run-7f3a")
    client.list_clones()
    client.find_folder("voicectl")
    assert {r["traceId"] for r in rig.requests()} == {"run-7f3a"}


def test_a_dribbling_emulator_reply_ends_at_the_request_deadline(rig: EmulatorRig) -> None:
    rule = {"method": "GET", "route": CLONES, "transport": "dribble", "interval_s": 0.05}
    rig.post("faults", rule)
    client = rig.client(
        clock=time.monotonic, request_deadline_s=0.3, retry=RetryPolicy(max_attempts=1)
    )
    started = time.monotonic()
    with pytest.raises(TransportError) as caught:
        client.list_clones()
    assert str(caught.value) == "GET /speech/voice-cloning: no complete response within 0.3 s"
    assert time.monotonic() - started < 1.0


def test_the_public_emulator_key_can_stay_unregistered(rig: EmulatorRig) -> None:
    rig.client().list_clones()
    assert scrub("target: emulator") == "target: emulator"


def test_a_large_folder_is_listed_several_pages_at_a_time_in_folder_order(
    rig: EmulatorRig,
) -> None:
    """The first page gives the total; the other pages are read 8 at a time (a 50,000
    voice folder is 1,000 pages), and the files come back in the folder's order."""
    from tests.support.emulatorrig import client_for

    client = rig.client()
    folder = client.create_folder("voicectl")
    with client_for(rig.emulator, rig.emulator.default_key) as raw:
        made = [
            raw.post("/files", json={"file_name": f"{n}.wav", "folder_id": folder}).json()
            for n in range(1050)
        ]
    rig.post("faults", {"method": "GET", "route": "/folders/{folderId}/files", "delay_s": 0.02})
    listed = client.list_folder_files(folder)
    assert [f.file_id for f in listed] == [m["fileId"] for m in made]
    pages = [r for r in rig.requests() if r["route"] == "/folders/{folderId}/files"]
    assert [r["query"] for r in pages[:1]] == ["limit=100&offset=0"]
    assert sorted(r["query"] for r in pages[1:]) == sorted(
        f"limit=100&offset={n}" for n in range(100, 1050, 100)
    )
    assert max(r["inFlight"] for r in pages) > 1
