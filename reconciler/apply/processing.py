"""Which of this run's uploads the server has processed, learnt from one folder listing.

apply does not poll each file after its PUT: the create refuses files still `pending`
(api-contract.md E9), so the common case costs no request at all. When a create is refused
and some of its files were put by this run without a confirmation, `ProcessingWatch.wait`
lists only the folder's new files (from the count the plan saw), which answers for every
waiting file of every voice at once; a file the listing does not show is read by id.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from reconciler.model.errors import UploadPendingError, VoicectlError
from reconciler.model.values import FileId, FileStatus, FolderId, RemoteFile
from reconciler.model.voiceapi import VoiceApi
from reconciler.redact import safe

Progress = Callable[[str, str, float, str], None]  # (alias, local path, waited s, status)


class FileRejectedError(VoicectlError):
    """The server stored the bytes but could not use them (file status `failed`)."""


class ProcessingWatch:
    """Files put by this run and not yet seen `uploaded`; thread-safe, one listing at a time."""

    def __init__(
        self,
        api: VoiceApi,
        *,
        sleep: Callable[[float], None],
        start_offset: int = 0,
        progress: Progress | None = None,
    ) -> None:
        self._api = api
        self._sleep = sleep
        self._progress = progress
        self._offset = start_offset  # new files come after the ones the plan listed
        self._lock = threading.Lock()  # one listing at a time; later waiters reuse it
        self._state = threading.Lock()
        self._waiting: dict[FileId, str] = {}  # fileId → the local path (for messages)
        self._status: dict[FileId, FileStatus] = {}

    def put(self, file_id: FileId, path: str) -> None:
        with self._state:
            self._waiting[file_id] = path

    def unconfirmed(self, file_ids: Iterable[FileId]) -> tuple[FileId, ...]:
        with self._state:
            return tuple(
                f
                for f in file_ids
                if f in self._waiting and self._status.get(f) is not FileStatus.UPLOADED
            )

    def wait(self, folder: FolderId, file_ids: Iterable[FileId], alias: str = "") -> None:
        """Return once every file in `file_ids` is processed; raise if one failed, or
        `UploadPendingError` (not transient: no second upload) when one is still pending
        after the upload wait (300 s by default, as the Python SDK waits). Progress for
        `alias`: each waiting file when the wait starts, then every `report_every_s`."""
        wait = self._api.upload_wait
        wanted = self.unconfirmed(file_ids)
        waited = reported = 0.0
        check = 0
        while wanted:
            with self._lock:
                wanted = self.unconfirmed(wanted)  # a listing made meanwhile may answer
                if wanted:
                    self._refresh(folder, wanted)
            self._raise_failed(wanted)
            wanted = self.unconfirmed(wanted)
            if not wanted:
                return
            if waited >= wait.timeout_s:
                paths = ", ".join(sorted(safe(self._waiting[f], 120) for f in wanted))
                raise UploadPendingError(
                    f"{paths}: still processing after {wait.timeout_s:g} s; the next run "
                    "waits for it again instead of uploading it twice"
                )
            if self._progress is not None and (
                check == 0 or waited - reported >= wait.report_every_s
            ):
                reported = waited
                for file_id in wanted:
                    self._progress(alias, self._waiting[file_id], waited, "pending")
            pause = min(wait.poll_cap_s, 0.25 * 2 ** min(check, 16), wait.timeout_s - waited)
            self._sleep(pause)
            waited += pause
            check += 1

    def _refresh(self, folder: FolderId, wanted: tuple[FileId, ...]) -> None:
        with self._state:
            waiting = set(self._waiting)
        seen = {
            f.file_id: f.status
            for f in self._api.list_folder_files(folder, self._offset)
            if f.file_id in waiting
        }
        for file_id in wanted:
            if file_id not in seen:  # an API that does not list in creation order
                item: RemoteFile | None = self._api.get_file(file_id)
                seen[file_id] = item.status if item is not None else FileStatus.PENDING
        with self._state:
            self._status.update(seen)

    def _raise_failed(self, wanted: tuple[FileId, ...]) -> None:
        with self._state:
            failed = [self._waiting[f] for f in wanted if self._status.get(f) is FileStatus.FAILED]
        if failed:
            raise FileRejectedError(f"{failed[0]}: the server could not decode the audio")
