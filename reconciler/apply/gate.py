"""GatedApi: the VoiceApi as the apply workers see it, every call inside one limiter slot
and every write refused once the run stopped (interrupt, 402, a refused key...).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reconciler.apply.control import NotStartedError
from reconciler.audiostack.retry import Cooldown
from reconciler.model.values import Alias, FileId, FolderId, RemoteClone, RemoteFile, Sha256
from reconciler.model.voiceapi import CloneListing, CloneRequest, UploadWait, VoiceApi

Wait = Callable[[float, str], None] | None


class GatedApi:
    """The VoiceApi with every call inside one limiter slot, so requests in flight never
    exceed the limiter's current (adaptive) limit. Calls do not nest.

    `gate` says why writes must not start any more (interrupt, 402...): it is asked again
    once the slot is held, since a worker may wait for its slot while the run stops."""

    def __init__(
        self, api: VoiceApi, limiter: Cooldown, *, gate: Callable[[], str | None] = lambda: None
    ) -> None:
        self._api = api
        self._slot = limiter.slot
        self._gate = gate

    def _check_gate(self) -> None:
        reason = self._gate()
        if reason is not None:
            raise NotStartedError(reason)

    @property
    def credits_remaining(self) -> int | None:
        return self._api.credits_remaining

    def read_balance(self) -> int | None:
        with self._slot():
            return self._api.read_balance()

    def list_clones(self) -> CloneListing:
        with self._slot():
            return self._api.list_clones()

    def get_clones(self, alias: Alias) -> tuple[RemoteClone, ...]:
        with self._slot():
            return self._api.get_clones(alias)

    def find_folder(self, name: str) -> FolderId | None:
        with self._slot():
            return self._api.find_folder(name)

    def create_folder(self, name: str) -> FolderId:
        with self._slot():
            self._check_gate()
            return self._api.create_folder(name)

    def list_folder_files(self, folder: FolderId, offset: int = 0) -> tuple[RemoteFile, ...]:
        with self._slot():
            return self._api.list_folder_files(folder, offset)

    def get_file(self, file_id: FileId) -> RemoteFile | None:
        with self._slot():
            return self._api.get_file(file_id)

    def upload(
        self,
        folder: FolderId,
        name: str,
        path: Path,
        sha256: Sha256,
        *,
        confirm: bool = True,
        progress: Wait = None,
        sent: Callable[[int], None] | None = None,
    ) -> RemoteFile:
        with self._slot():
            self._check_gate()
            return self._api.upload(
                folder, name, path, sha256, confirm=confirm, progress=progress, sent=sent
            )

    def await_file(self, file_id: FileId, name: str, progress: Wait = None) -> RemoteFile:
        return self._api.await_file(file_id, name, progress)  # reads only: no gate

    @property
    def upload_wait(self) -> UploadWait:
        return self._api.upload_wait

    def create_clone(self, request: CloneRequest) -> RemoteClone:
        with self._slot():
            self._check_gate()
            return self._api.create_clone(request)
