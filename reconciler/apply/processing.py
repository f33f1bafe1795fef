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

from reconciler.model.errors import ServerError, VoicectlError
from reconciler.model.values import FileId, FileStatus, FolderId, RemoteFile
from reconciler.model.voiceapi import VoiceApi
from reconciler.redact import safe

PROCESSING_CHECKS = 20  # listings while files are still pending; about 35 s in all


class FileRejectedError(VoicectlError):
    """The server stored the bytes but could not use them (file status `failed`)."""


class ProcessingWatch:
    """Files put by this run and not yet seen `uploaded`; thread-safe, one listing at a time."""

    def __init__(
        self, api: VoiceApi, *, sleep: Callable[[float], None], start_offset: int = 0
    ) -> None:
        self._api = api
        self._sleep = sleep
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

    def wait(self, folder: FolderId, file_ids: Iterable[FileId]) -> None:
        """Return once every file in `file_ids` is processed; raise if one failed or
        stays pending after `PROCESSING_CHECKS` listings."""
        wanted = self.unconfirmed(file_ids)
        for check in range(PROCESSING_CHECKS):
            if not wanted:
                return
            with self._lock:
                wanted = self.unconfirmed(wanted)  # a listing made meanwhile may answer
                if wanted:
                    self._refresh(folder, wanted)
            self._raise_failed(wanted)
            wanted = self.unconfirmed(wanted)
            if wanted:
                self._sleep(min(2.0, 0.25 * 2**check))
        if wanted:
            paths = ", ".join(sorted(safe(self._waiting[f], 120) for f in wanted))
            raise ServerError(f"{paths}: still not processed after {PROCESSING_CHECKS} checks")

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
