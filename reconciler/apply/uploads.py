"""The upload folder and its content-addressed files, shared by every apply worker.

Content identity is the sha256 (the `<sha16>-` prefix of the upload name), never the
basename: a renamed file with the same bytes is not uploaded again. A local file is
uploaded at most once per run (one in-flight upload per content, the others wait for it),
never when an `uploaded` file of that content is in the folder, and never while an earlier
upload of it is still being processed (that one is waited for instead). A failed
`POST /files` is retried only after re-listing the folder.
Uploads are not polled one by one: processing.py confirms them when a create needs it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from pathlib import Path

from reconciler.apply.events import (
    EventSink,
    FolderReady,
    Retrying,
    Step,
    Uploaded,
    UploadProcessing,
    UploadSending,
    UploadSkipped,
)
from reconciler.apply.processing import FileRejectedError, ProcessingWatch
from reconciler.apply.report import UploadStats
from reconciler.model.errors import ApiError, VoicectlError
from reconciler.model.values import (
    Alias,
    DeclaredFile,
    FileId,
    FileStatus,
    FolderId,
    RemoteFile,
)
from reconciler.model.voiceapi import VoiceApi
from reconciler.redact import safe

UPLOAD_ATTEMPTS = 3
_CONTENT = re.compile(r"^([0-9a-f]{16})-")


def content_key(name: str) -> str:
    """The content identity of an upload name: its `<sha16>` prefix (else the name)."""
    found = _CONTENT.match(name)
    return found.group(1) if found else name


__all__ = ["FileRejectedError", "UploadRefusedError", "UploadStore"]


class UploadRefusedError(VoicectlError):
    """The presigned upload URL kept refusing the bytes (expired, bad signature...). Not a
    key problem: that URL carries no key, so this must not stop the other voices."""


def _refused_url(exc: ApiError) -> bool:
    """A 403 on the presigned PUT (expired, signature): that slot is unusable, a fresh
    `POST /files` may work."""
    return exc.method == "PUT" and exc.status == 403


class UploadStore:
    """Folder + files by name; thread-safe. `ensure_file` returns the fileId to send."""

    def __init__(
        self,
        api: VoiceApi,
        *,
        folder_name: str,
        root: Path,
        events: EventSink,
        local_names: Iterable[str],
        folder_id: FolderId | None = None,
        listed: tuple[Mapping[str, RemoteFile], int] | None = None,
        sleep: Callable[[float], None] = lambda seconds: None,
    ) -> None:
        """`listed`: the plan's fresh folder listing (files by name, how many it held), so
        this run need not list the folder again."""
        self._api = api
        self._sleep = sleep
        self._folder_name = folder_name
        self._root = root
        self._events = events
        self._lock = threading.Lock()
        self._folder_lock = threading.Lock()
        self._folder = folder_id  # known from the plan's remote read: no find needed
        # the folder is listed once by this run, not taken from `remote.files_by_name`: a
        # name can map to several files there (an orphan `pending` slot and the real one)
        self._known: dict[str, RemoteFile] = {}
        self._listed = False
        self._watch = self._new_watch(0)
        if listed is not None and folder_id is not None:
            self._known = by_content(listed[0].values())
            self._watch = self._new_watch(listed[1])
            self._listed = True
        self._futures: dict[str, Future[RemoteFile]] = {}
        self._total = len(set(local_names))
        self._done = 0
        self._uploaded = 0
        self._reused = 0
        self._bytes = 0

    @property
    def stats(self) -> UploadStats:
        with self._lock:
            return UploadStats(self._uploaded, self._reused, self._bytes)

    def ensure_folder(self) -> FolderId:
        """Find the folder, else create it (a 409 from a concurrent run → find again)."""
        with self._folder_lock:
            if self._folder is None:
                created = False
                folder = self._api.find_folder(self._folder_name)
                if folder is None:
                    folder, created = self._create_folder(), True
                self._events.emit(FolderReady(self._folder_name, folder, created))
                self._folder = folder
            if not self._listed:
                files = self._api.list_folder_files(self._folder)
                self._known = by_content(files)
                self._watch = self._new_watch(len(files))
                self._listed = True
            return self._folder

    def _new_watch(self, start_offset: int) -> ProcessingWatch:
        def report(alias: str, path: str, waited: float, status: str) -> None:
            self._events.emit(UploadProcessing(alias, path, waited, status))

        return ProcessingWatch(
            self._api, sleep=self._sleep, start_offset=start_offset, progress=report
        )

    def unconfirmed(self, file_ids: Iterable[FileId]) -> tuple[FileId, ...]:
        """The files among `file_ids` this run put without seeing them processed yet."""
        return self._watch.unconfirmed(file_ids)

    def await_processed(self, alias: Alias, file_ids: Iterable[FileId]) -> None:
        """Wait until the server processed them (one listing answers for every voice);
        progress events name `alias`, the voice whose create waits."""
        assert self._folder is not None
        self._watch.wait(self._folder, file_ids, alias)

    def _create_folder(self) -> FolderId:
        try:
            return self._api.create_folder(self._folder_name)
        except ApiError as exc:
            # POST /folders is not idempotent: read back before deciding it failed
            folder = self._api.find_folder(self._folder_name)
            if folder is None:
                raise exc from None
            return folder

    def _list_usable(self) -> dict[str, RemoteFile]:
        assert self._folder is not None
        return by_content(self._api.list_folder_files(self._folder))

    def ensure_file(self, alias: Alias, declared: DeclaredFile) -> FileId:
        """The fileId for one declared file, uploading it first when the folder lacks it."""
        if declared.file_id is not None:
            return declared.file_id
        name = declared.upload_name
        if name is None or declared.path is None or declared.audio is None:
            raise FileRejectedError(f"{declared.location}: no local file or file_id to send")
        folder = self.ensure_folder()
        key = content_key(name)
        with self._lock:
            future = self._futures.get(key)
            owner = future is None
            if future is None:
                future = self._futures[key] = Future()
            known = self._known.get(key)
        if not owner:
            return future.result().file_id
        try:
            if known is not None and _processing(known):
                remote = self._await(alias, declared, known)
            elif known is not None:
                remote = known
                self._count(alias, declared, remote, reused=True, why="already uploaded")
            else:
                remote = self._upload(alias, declared, folder, name)
        except BaseException as exc:
            future.set_exception(exc)
            raise
        future.set_result(remote)
        return remote.file_id

    def _upload(
        self, alias: Alias, declared: DeclaredFile, folder: FolderId, name: str
    ) -> RemoteFile:
        assert declared.path is not None and declared.audio is not None
        last: VoicectlError | None = None
        for attempt in range(UPLOAD_ATTEMPTS):
            if attempt > 0:
                # POST /files is not idempotent: an earlier attempt may have landed
                found = self._list_usable().get(content_key(name))
                if found is not None and _processing(found):
                    return self._await(alias, declared, found)
                if found is not None:
                    self._count(alias, declared, found, reused=True, why="found after a retry")
                    return found
            try:
                remote = self._api.upload(
                    folder,
                    name,
                    self._root / declared.path,
                    declared.audio.sha256,
                    confirm=False,
                    sent=self._sending(alias, declared.path, declared.audio.bytes),
                )
            except ApiError as exc:
                if _refused_url(exc):
                    why = f"the upload URL was refused (PUT HTTP {exc.status})"
                    last = UploadRefusedError(f"{declared.path}: {why} {attempt + 1} times")
                    self._events.emit(Retrying(alias, Step.UPLOAD, f"{declared.path}: {why}"))
                    continue
                if not exc.transient:
                    raise
                last = exc
                self._events.emit(
                    Retrying(alias, Step.UPLOAD, f"{declared.path}: {safe(str(exc))}")
                )
                continue
            if remote.status == FileStatus.FAILED:
                raise FileRejectedError(f"{declared.path}: the server could not decode the audio")
            if remote.status is not FileStatus.UPLOADED:
                self._watch.put(remote.file_id, declared.path)
            self._count(alias, declared, remote, reused=False, why="")
            return remote
        assert last is not None
        raise last

    def _sending(self, alias: Alias, path: str, size: int) -> Callable[[int], None]:
        """Byte progress of one PUT, as UploadSending events."""
        return lambda sent: self._events.emit(UploadSending(alias, path, sent, size))

    def _await(self, alias: Alias, declared: DeclaredFile, pending: RemoteFile) -> RemoteFile:
        """An earlier upload of this content is still being processed: use it and let the
        create wait for it (processing.py) rather than ask for a second slot (issue 11
        row 6)."""
        assert declared.path is not None
        self._watch.put(pending.file_id, declared.path)
        why = "an earlier upload, still processing"
        self._count(alias, declared, pending, reused=True, why=why)
        return pending

    def _count(
        self, alias: Alias, declared: DeclaredFile, remote: RemoteFile, *, reused: bool, why: str
    ) -> None:
        assert declared.path is not None and declared.audio is not None
        with self._lock:
            self._done += 1
            index, total = self._done, max(self._total, self._done)
            if reused:
                self._reused += 1
            else:
                self._uploaded += 1
                self._bytes += declared.audio.bytes
            self._known[content_key(remote.name)] = remote
        if reused:
            self._events.emit(
                UploadSkipped(alias, declared.path, remote.file_id, why, index, total)
            )
        else:
            size = declared.audio.bytes
            self._events.emit(Uploaded(alias, declared.path, size, remote.file_id, index, total))


def by_content(files: Iterable[RemoteFile]) -> dict[str, RemoteFile]:
    """Files by content key: an `uploaded` one first, else one still processing."""
    found: dict[str, RemoteFile] = {}
    for item in files:
        key = content_key(item.name)
        held = found.get(key)
        if (_usable(item) and (held is None or not _usable(held))) or (
            _processing(item) and held is None
        ):
            found[key] = item
    return found


def _usable(file: RemoteFile) -> bool:
    """Only a fully uploaded file can be reused as it is."""
    return file.status == FileStatus.UPLOADED


def _processing(file: RemoteFile) -> bool:
    """A `pending` file that holds bytes: its upload arrived and the server is still
    processing it. A `pending` slot of 0 bytes may be an orphan (its PUT never came)."""
    return file.status not in (FileStatus.UPLOADED, FileStatus.FAILED) and file.size > 0
