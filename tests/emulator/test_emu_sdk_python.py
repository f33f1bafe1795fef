"""The official Python SDK (`audiostack` 4.x, a dev dependency) against the served emulator:
its folder, upload and file flows as a user would run them, in the guide dialect and in
the SDK's own shapes (api-contract.md §8). Nothing of voicectl's client is involved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import audiostack
import httpx
import pytest
from audiostack import Files, Folders, Speech

from reconciler.emulator.core import Emulator
from reconciler.emulator.server import RunningServer, serve_in_thread
from tests.support.emulatorrig import make_wav


@pytest.fixture(scope="module")
def served() -> Iterator[RunningServer]:
    emulator = Emulator(":memory:", clock_mode="immediate")
    running = serve_in_thread(emulator)
    yield running
    running.close()
    assert emulator.internal_errors == []
    emulator.close()


@pytest.fixture(params=["guide", "sdk"])
def sdk(
    request: pytest.FixtureRequest, served: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> str:
    """The SDK pointed at the emulator (its module-level settings), one dialect per run."""
    with httpx.Client(base_url=served.base_url) as admin:
        assert admin.post("/_emulator/reset").status_code == 200
        body = {"dialect": request.param}
        assert admin.post("/_emulator/dialect", json=body).status_code == 200
        # slow-processing's 120 s become 0.6 s: File.create really waits, briefly
        assert admin.post("/_emulator/clock", json={"time_scale": 0.005}).status_code == 200
    monkeypatch.setattr(audiostack, "api_base", served.base_url)
    monkeypatch.setattr(audiostack, "api_key", "emulator")
    return str(request.param)


def test_folder_flow_root_create_list_get_rename_delete(sdk: str) -> None:
    root = Folders.Folder.get_root_folder_id()
    made = Folders.Folder.create("voicectl")
    assert (made.folderName, made.parentFolderId) == ("voicectl", None)
    listed = Folders.Folder.list(path="voicectl")
    assert [f.folderId for f in listed.currentPathChain] == [made.folderId, root]
    child = Folders.Folder.create("takes", parentFolderId=UUID(made.folderId))
    assert child.parentFolderId == made.folderId
    got = Folders.Folder.get(UUID(made.folderId))
    assert [f.folderName for f in got.folders] == ["takes"]
    assert Folders.Folder.patch(UUID(child.folderId), "outtakes").folderName == "outtakes"
    assert (
        Folders.Folder.delete(UUID(child.folderId))
        == f"Folder {child.folderId} deleted successfully"
    )
    assert Folders.Folder.get(UUID(made.folderId)).folders == []


def test_upload_flow_create_waits_for_processing_then_list_get_patch_copy_delete(
    sdk: str, tmp_path: Path, served: RunningServer
) -> None:
    folder = Folders.Folder.create("voicectl")
    other = Folders.Folder.create("elsewhere")
    local = tmp_path / "take.wav"
    local.write_bytes(make_wav(2.0, seed="sdk"))
    item = Files.File.create(str(local), "take.wav", folderId=UUID(folder.folderId))
    # File.create polls until `uploaded` (the sdk dialect keeps it pending for 120 s × 0.005)
    assert (item.status, item.fileName, item.folderId) == ("uploaded", "take.wav", folder.folderId)
    log = httpx.get(f"{served.base_url}/_emulator/requests").json()["requests"]
    reads = [r for r in log if r["method"] == "GET" and r["path"] == f"/files/{item.fileId}"]
    assert (len(reads) > 2) is (sdk == "sdk")  # `pending` for a while, then `uploaded`
    assert item.duration == pytest.approx(2.0)
    assert item.size == local.stat().st_size
    page = Folders.Folder.list_files(UUID(folder.folderId), limit=10, offset=0)
    assert [f.fileId for f in page.files] == [item.fileId]
    if sdk == "sdk":  # a bare list: the SDK reads no pagination from it
        assert page.pagination is None
    else:
        assert page.pagination == {"limit": 10, "offset": 0, "total": 1}
    renamed = Files.File.patch(
        UUID(item.fileId), fileName="renamed.wav", accessControl=Files.file.AccessControl.public
    )
    assert (renamed.fileName, renamed.accessControl) == ("renamed.wav", "public")
    copied = Files.File.copy(UUID(item.fileId), UUID(folder.folderId), UUID(other.folderId))
    assert (copied.folderId, copied.fileName) != (item.folderId, item.fileName)
    assert copied.fileId != item.fileId and copied.folderId == other.folderId
    assert "fileTypes" in Files.File.get_file_categories()
    Files.File.delete(UUID(item.fileId))
    with pytest.raises(Exception) as caught:
        Files.File.get(UUID(item.fileId))
    assert str(caught.value) == (
        f"file '{item.fileId}' not found. No additional error details provided."
    )
    assert Files.File.get(UUID(copied.fileId)).status == "uploaded"


def test_the_root_folder_takes_uploads_and_the_voice_query_lists_voices(
    sdk: str, tmp_path: Path
) -> None:
    local = tmp_path / "root.wav"
    local.write_bytes(make_wav(1.6, seed="root"))
    item = Files.File.create(str(local), "root.wav")  # no folder: the root
    root = Folders.Folder.get_root_folder_id()
    assert [f.fileId for f in Folders.Folder.list_files(UUID(root)).files] == [item.fileId]
    voices = Speech.Voice.query(filters=[{"gender": "female"}])
    assert {v.alias for v in voices} >= {"sara", "hans"}


def test_error_bodies_read_as_the_sdk_reads_them(sdk: str) -> None:
    """A refused request: the message as the SDK composes it from the body."""
    with pytest.raises(Exception) as caught:
        Folders.Folder.create("bad/name")
    assert str(caught.value) == (
        "folder_name must be a plain name, not a path. No additional error details provided."
    )
