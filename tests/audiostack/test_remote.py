"""fetch_state over a small in-memory VoiceApi: grouping, fallback, file choice, bounds."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from reconciler.audiostack.remote import fetch_state, map_bounded, pick_by_name
from reconciler.model.errors import ServerError
from reconciler.model.values import (
    Alias,
    CloneId,
    FileId,
    FolderId,
    RemoteClone,
    RemoteFile,
    Sha256,
)
from reconciler.model.voiceapi import CloneListing, CloneRequest


def _clone(
    alias: str, clone_id: str, started: int | None, status: str = "succeeded"
) -> RemoteClone:
    return RemoteClone(
        CloneId(clone_id), Alias(alias), "voice_engine_3", status, started_at=started
    )


def _file(
    file_id: str, name: str, status: str = "uploaded", created: str | None = None
) -> RemoteFile:
    return RemoteFile(FileId(file_id), name, FolderId("fold"), 10, status, created_at=created)


class ReadOnlyApi:
    """A VoiceApi holding fixed records; counts calls and refuses every write."""

    def __init__(self, records: tuple[RemoteClone, ...], *, complete: bool = True) -> None:
        self.records = records
        self.complete = complete
        self.files = (_file("f1", "a-x.wav"), _file("f2", "b-y.wav"))
        self.extra = {FileId("ext-1"): _file("ext-1", "elsewhere.wav")}
        self.calls: list[str] = []
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()

    @property
    def credits_remaining(self) -> int | None:
        return 4200

    def list_clones(self) -> CloneListing:
        self.calls.append("list_clones")
        records = self.records if self.complete else ()
        return CloneListing(records, 4100, complete=self.complete)

    def get_clones(self, alias: Alias) -> tuple[RemoteClone, ...]:
        with self._lock:
            self.calls.append(f"get_clones {alias}")
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        time.sleep(0.01)
        with self._lock:
            self.in_flight -= 1
        return tuple(r for r in reversed(self.records) if r.alias == alias)

    def find_folder(self, name: str) -> FolderId | None:
        self.calls.append(f"find_folder {name}")
        return FolderId("fold") if name == "voicectl" else None

    def list_folder_files(self, folder: FolderId) -> tuple[RemoteFile, ...]:
        self.calls.append("list_folder_files")
        return self.files

    def get_file(self, file_id: FileId) -> RemoteFile | None:
        self.calls.append(f"get_file {file_id}")
        return self.extra.get(file_id)

    def create_folder(self, name: str) -> FolderId:
        raise AssertionError("fetch_state must not write")

    def upload(self, folder: FolderId, name: str, path: Path, sha256: Sha256) -> RemoteFile:
        raise AssertionError("fetch_state must not write")

    def create_clone(self, request: CloneRequest) -> RemoteClone:
        raise AssertionError("fetch_state must not write")


RECORDS = (
    _clone("bob", "b1", 50),
    _clone("anna", "a2", 200, "failed"),
    _clone("anna", "a1", 100),
    _clone("anna", "a3", 200),
    _clone("zed", "z1", None),
)


def test_a_complete_listing_groups_every_alias_oldest_first_without_per_alias_reads() -> None:
    api = ReadOnlyApi(RECORDS)
    state = fetch_state(
        api,
        [Alias("anna"), Alias("carl")],
        folder_name="voicectl",
        declared_file_ids=[FileId("f1"), FileId("ext-1"), FileId("gone")],
    )
    assert {a: [r.clone_id for r in h] for a, h in state.clones.items()} == {
        "anna": ["a1", "a2", "a3"],  # startedAt, then cloneId: never the list position
        "bob": ["b1"],
        "zed": ["z1"],
    }
    assert sorted(api.calls) == sorted(
        [
            "list_clones",
            "find_folder voicectl",
            "list_folder_files",
            "get_file ext-1",
            "get_file gone",
        ]
    )
    assert sorted(state.files_by_name) == ["a-x.wav", "b-y.wav"]
    assert sorted(state.files_by_id) == ["ext-1", "f1", "f2"]
    assert (state.credits_remaining, state.folder_id, state.complete_listing) == (
        4200,
        "fold",
        True,
    )


def test_a_refused_listing_reads_each_declared_alias_with_bounded_concurrency() -> None:
    api = ReadOnlyApi(RECORDS, complete=False)
    aliases = [Alias(f"v{i:02}") for i in range(30)] + [Alias("anna"), Alias("anna")]
    state = fetch_state(api, aliases, folder_name="voicectl", concurrency=4)
    assert {a: [r.clone_id for r in h] for a, h in state.clones.items()} == {
        "anna": ["a1", "a2", "a3"],  # the same order from the reversed server answer
    }
    assert sum(c.startswith("get_clones") for c in api.calls) == 31
    assert 1 < api.peak <= 4
    assert state.complete_listing is False


def test_a_missing_folder_means_no_files() -> None:
    state = fetch_state(ReadOnlyApi(()), [], folder_name="elsewhere")
    assert (state.folder_id, state.files_by_name, state.files_by_id) == (None, {}, {})


def test_same_name_files_prefer_uploaded_then_newest() -> None:
    files = (
        _file("old", "n.wav", created="2024-01-01T00:00:00Z"),
        _file("new", "n.wav", created="2024-02-01T00:00:00Z"),
        _file("slot", "n.wav", status="pending", created="2024-03-01T00:00:00Z"),
        _file("p1", "m.wav", status="pending"),
        _file("p2", "m.wav", status="failed"),
    )
    chosen = pick_by_name(files)
    assert {name: f.file_id for name, f in chosen.items()} == {"m.wav": "p2", "n.wav": "new"}


def test_map_bounded_raises_the_first_failure_and_keeps_order() -> None:
    assert map_bounded(lambda x: x * 2, [3, 1, 2], 8) == [6, 2, 4]

    def fail_on_two(x: int) -> int:
        if x == 2:
            raise ServerError("down", status=503)
        return x

    with pytest.raises(ServerError):
        map_bounded(fail_on_two, list(range(10)), 3)
