"""The API seam: what `remote`, `apply` and `importer` need from AudioStack, as a Protocol.

`client.AudioStackClient` implements it over httpx; tests pass the same client wired to the
emulator through an httpx transport. Values only here, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from reconciler.model.values import (
    Alias,
    FileId,
    FolderId,
    MetaValue,
    RemoteClone,
    RemoteFile,
    Sha256,
)


@dataclass(frozen=True, slots=True)
class CloneRequest:
    """The body of `POST /speech/voice-cloning` (api-contract.md §4.1)."""

    alias: Alias
    engine: str
    file_ids: tuple[FileId, ...]
    metadata: Mapping[str, MetaValue] = field(default_factory=dict)
    consent_file_id: FileId | None = None


@dataclass(frozen=True, slots=True)
class UploadWait:
    """How long to wait for the server to process an uploaded file: the Python SDK waits
    300 s for `uploaded` (audiostack/files/file.py, TIMEOUT_THRESHOLD_S)."""

    timeout_s: float = 300.0
    poll_cap_s: float = 2.0  # pauses back off from 0.25 s to this
    report_every_s: float = 10.0  # a progress event at most this often


@dataclass(frozen=True, slots=True)
class CloneListing:
    """Every clone record visible to the caller, plus the balance from the envelope."""

    records: tuple[RemoteClone, ...]
    credits_remaining: int | None
    complete: bool = True  # False when list-all is refused (api-contract.md E26)


class VoiceApi(Protocol):
    """AudioStack operations voicectl uses. Every method raises `errors.ApiError` subclasses.

    GETs and the presigned PUT are retried inside the implementation; `create_clone` and
    `create_folder` are sent exactly once per call (the caller reads back before repeating).
    """

    def list_clones(self) -> CloneListing: ...

    def get_clones(self, alias: Alias) -> tuple[RemoteClone, ...]: ...  # () when unknown

    @property
    def credits_remaining(self) -> int | None: ...  # last balance seen in an envelope

    def read_balance(self) -> int | None: ...  # the balance, asked for if none was seen

    def find_folder(self, name: str) -> FolderId | None: ...

    def create_folder(self, name: str) -> FolderId: ...  # 409 → the existing folder

    def list_folder_files(self, folder: FolderId, offset: int = 0) -> tuple[RemoteFile, ...]: ...

    def get_file(self, file_id: FileId) -> RemoteFile | None: ...

    def upload(
        self,
        folder: FolderId,
        name: str,
        path: Path,
        sha256: Sha256,
        *,
        confirm: bool = True,
        progress: Callable[[float, str], None] | None = None,
        sent: Callable[[int], None] | None = None,
    ) -> RemoteFile: ...  # confirm=False: no wait for processing; the item says `pending`

    # `sent(n)`: n bytes of the body have been handed to the connection (byte progress)

    def await_file(
        self, file_id: FileId, name: str, progress: Callable[[float, str], None] | None = None
    ) -> RemoteFile: ...  # polls until processed (UploadPendingError past the wait)

    @property
    def upload_wait(self) -> UploadWait: ...  # how long a processing file is waited for

    def create_clone(self, request: CloneRequest) -> RemoteClone: ...
