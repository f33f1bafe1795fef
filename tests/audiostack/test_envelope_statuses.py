"""Clone and file statuses are parsed once, at the envelope: a status this voicectl does not
know becomes UNKNOWN and is treated as still running, so it never crashes a plan or a wait."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from reconciler.apply.events import NullSink
from reconciler.apply.waiting import ClonePoller
from reconciler.audiostack.remote import pick_by_name
from reconciler.model.errors import Location
from reconciler.model.values import (
    Alias,
    CloneStatus,
    Declaration,
    FileId,
    FileStatus,
    RemoteState,
)
from reconciler.plan.change import Action
from reconciler.plan.diff import Policy, compare
from tests.support.clientrig import FakeClock, envelope, reply

RECORD = {
    "cloneId": "c-1",
    "alias": "anna",
    "voiceEngine": "voice_engine_3",
    "status": "queued_for_review",  # a status a later API version might add
    "metadata": {"managed_by": "voicectl:acme", "languageCode": "en-GB"},
    "filesUsed": [],
}


def test_an_unknown_clone_status_is_parsed_as_unknown_and_is_not_terminal(
    make_client: Callable[..., Any],
) -> None:
    client, _ = make_client(reply(200, envelope([RECORD])))
    (record,) = client.get_clones(Alias("anna"))
    assert record.status is CloneStatus.UNKNOWN
    assert record.terminal is False
    assert CloneStatus.parse("succeeded") is CloneStatus.SUCCEEDED


def test_a_voice_with_an_unknown_status_plans_as_pending(make_client: Callable[..., Any]) -> None:
    client, _ = make_client(reply(200, envelope([RECORD])))
    records = client.get_clones(Alias("anna"))
    remote = RemoteState({Alias("anna"): records}, {}, {}, credits_remaining=100)
    decl = Declaration(Alias("anna"), "voice_engine_3", "en-GB", (), Location("voices/a.yaml"))
    (change,) = compare([decl], remote, Policy("acme")).changes
    assert change.action is Action.PENDING
    assert change.reasons == ("clone unknown; picked up by the next run",)


def test_the_wait_keeps_polling_an_unknown_status_and_ends_it_pending(
    make_client: Callable[..., Any], clock: FakeClock
) -> None:
    client, peer = make_client(reply(200, envelope([RECORD])))
    (record,) = client.get_clones(Alias("anna"))
    poller = ClonePoller(
        client,
        events=NullSink(),
        clock=clock,
        sleep=clock.sleep,
        stop=threading.Event(),
        timeout_s=10.0,
        interval_s=5.0,
    )
    waited = poller.wait({Alias("anna"): record})
    assert waited.timed_out is True
    assert waited.latest[Alias("anna")].status is CloneStatus.UNKNOWN
    assert len(peer.seen) >= 3  # the first read, then polls until the deadline


def test_an_unknown_file_status_is_unknown_and_loses_to_an_uploaded_file(
    make_client: Callable[..., Any],
) -> None:
    items = [
        {"fileId": "f-1", "fileName": "a.wav", "status": "virus_scan", "size": 1},
        {"fileId": "f-2", "fileName": "a.wav", "status": "uploaded", "size": 1},
    ]
    client, _ = make_client(reply(200, items[0]), reply(200, items[1]))
    first, second = client.get_file(FileId("f-1")), client.get_file(FileId("f-2"))
    assert first is not None and second is not None
    assert first.status is FileStatus.UNKNOWN
    assert pick_by_name([second, first])["a.wav"].file_id == "f-2"
