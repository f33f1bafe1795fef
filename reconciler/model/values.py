"""Domain values shared by every layer: ids, declared voices, remote state.

Frozen dataclasses only; tuples inside values, never lists. No I/O here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NewType, Self

from reconciler.model.errors import Location

Alias = NewType("Alias", str)
FileId = NewType("FileId", str)
CloneId = NewType("CloneId", str)
FolderId = NewType("FolderId", str)
Sha256 = NewType("Sha256", str)

MetaValue = str | int | float | bool
"""A metadata value as the API accepts it (api-contract.md E22)."""

MANAGED_BY_KEY = "managed_by"
FILES_STAMP_KEY = "voicectl_files"  # content fingerprint stamped at create (plan/stamp.py)
LANGUAGE_KEY = "languageCode"
MARKER_PREFIX = "voicectl:"


def owner_marker(owner: str) -> str:
    """The one spelling of the ownership marker stamped as `metadata.managed_by`."""
    return f"{MARKER_PREFIX}{owner}"


class ServerValue(StrEnum):
    """A closed set the server spells: parsed once, at the edge (audiostack/envelope.py), and a
    value this voicectl does not know parses to the member `unknown` instead of failing."""

    @classmethod
    def parse(cls, text: str) -> Self:
        try:
            return cls(text)
        except ValueError:
            return cls("unknown")


class CloneStatus(ServerValue):
    """`status` of a clone record. A value this voicectl does not know is UNKNOWN: it is
    treated as still running (never terminal), so a new server status never crashes a run."""

    PREPARING = "preparing"
    IN_PROGRESS = "in_progress"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    UNKNOWN = "unknown"


class FileStatus(ServerValue):
    """`status` of a file item; an unknown value is UNKNOWN (never usable, never failed)."""

    PENDING = "pending"
    UPLOADED = "uploaded"
    FAILED = "failed"
    UNKNOWN = "unknown"


class AdoptMode(StrEnum):
    """`adopt:` of a declaration: NORMAL adopts only a record nobody stamped; FORCE also
    takes over a matching record stamped by another owner."""

    NORMAL = "normal"
    FORCE = "force"


@dataclass(frozen=True, slots=True)
class AudioInfo:
    """Facts about one local audio file, read offline."""

    sha256: Sha256
    bytes: int
    container: str  # "wav" | "mp3" | "flac" | "ogg" | "m4a"
    duration_s: float  # rounded to 6 decimals (whole microseconds)
    sample_rate: int = 0
    channels: int = 0

    @property
    def duration_us(self) -> int:
        """Exact integer microseconds: what every engine rule compares (durations.py)."""
        return round(self.duration_s * 1_000_000)


@dataclass(frozen=True, slots=True)
class DeclaredFile:
    """One entry of `files:` (after glob expansion) or the `consent:` file.

    Either `path` (repo-relative POSIX path of a local file, with its `audio` facts) or
    `file_id` (a file already in the organisation) is set.
    """

    location: Location
    path: str | None = None
    audio: AudioInfo | None = None
    file_id: FileId | None = None

    @property
    def upload_name(self) -> str | None:
        """Content-addressed remote name `<sha256 first 16 hex>-<basename>` (behaviour.md)."""
        if self.path is None or self.audio is None:
            return None
        return f"{self.audio.sha256[:16]}-{self.path.rsplit('/', 1)[-1]}"


@dataclass(frozen=True, slots=True)
class Declaration:
    """One voice as declared in one YAML file."""

    alias: Alias
    engine: str
    language: str
    files: tuple[DeclaredFile, ...]
    source: Location  # the YAML file, pointing at the `alias:` value
    consent: DeclaredFile | None = None
    metadata: Mapping[str, MetaValue] = field(default_factory=dict)
    protect: bool = False
    ignore: tuple[str, ...] = ()
    strict_files: bool = False
    replaces: Alias | None = None
    adopt: AdoptMode = AdoptMode.NORMAL
    targets: tuple[str, ...] = ()  # empty: every target

    @property
    def all_files(self) -> tuple[DeclaredFile, ...]:
        """The audio files and then the consent file: everything a create needs uploaded."""
        return self.files + ((self.consent,) if self.consent else ())


@dataclass(frozen=True, slots=True)
class RemoteFile:
    """A file item of the Files API (flat, api-contract.md §3)."""

    file_id: FileId
    name: str
    folder_id: FolderId | None
    size: int
    status: FileStatus
    duration_s: float | None = None
    created_at: str | None = None  # ISO-8601 as sent; breaks ties between same-name files


@dataclass(frozen=True, slots=True)
class RemoteClone:
    """One clone record of `GET /speech/voice-cloning` (api-contract.md §4.3)."""

    clone_id: CloneId
    alias: Alias
    engine: str
    status: CloneStatus
    files_used: tuple[FileId, ...] = ()
    discarded: Mapping[FileId, str] = field(default_factory=dict)
    metadata: Mapping[str, MetaValue] = field(default_factory=dict)
    fail_reason: str | None = None
    started_at: int | None = None
    finished_at: int | None = None
    org_id: str | None = None
    user_id: str | None = None
    consent_file_id: FileId | None = None

    @property
    def submitted_files(self) -> frozenset[FileId]:
        """filesUsed ∪ keys(discardedFiles) = the submitted fileIds."""
        return frozenset(self.files_used) | frozenset(self.discarded)

    @property
    def managed_by(self) -> str | None:
        value = self.metadata.get(MANAGED_BY_KEY)
        return value if isinstance(value, str) else None

    @property
    def terminal(self) -> bool:
        return self.status in (CloneStatus.SUCCEEDED, CloneStatus.FAILED)


def current_record(records: tuple[RemoteClone, ...]) -> RemoteClone | None:
    """The newest non-failed record, else the newest failed one (api-contract.md E23)."""
    for record in reversed(records):
        if record.status != CloneStatus.FAILED:
            return record
    return records[-1] if records else None


@dataclass(frozen=True, slots=True)
class Discard:
    """A file the server did not use (`discardedFiles`), with its repo path when known."""

    file_id: FileId
    path: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class RemoteState:
    """Everything plan needs from the remote, read with GETs only."""

    clones: Mapping[Alias, tuple[RemoteClone, ...]]  # history per alias, oldest first
    files_by_name: Mapping[str, RemoteFile]  # uploads in the voicectl folder, by name
    files_by_id: Mapping[FileId, RemoteFile]  # every file known (folder + declared file_ids)
    credits_remaining: int | None
    folder_id: FolderId | None = None
    complete_listing: bool = True  # False when list-all was refused (E26)
    folder_file_count: int = 0  # files the folder listing held (new uploads come after)
    read_at: float | None = None  # time.monotonic() when the clone listing was read
