"""What the diff compares: the essence of a declaration and of a remote clone record.

Pure: declared vs remote files (matched by fileId or `<sha16>-` upload name), metadata
without server-owned keys (deepdiff is used here only, and its objects become FieldDiff at
once) and the remote fingerprint. No classification into actions (diff.py), no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from reconciler.model.values import (
    LANGUAGE_KEY,
    Declaration,
    Discard,
    FileId,
    FileStatus,
    MetaValue,
    RemoteClone,
    RemoteState,
)
from reconciler.plan.change import FieldDiff, FieldValue
from reconciler.plan.planjson import sha256_tag
from reconciler.plan.stamp import OWNED_KEYS, base_file_id, files_stamp, remote_stamp

_UPLOAD_NAME = re.compile(r"^[0-9a-f]{16}-")


class FileMatcher:
    """Maps remote fileIds to declared files: by declared fileId or by `<sha16>-` name."""

    def __init__(self, decl: Declaration, remote: RemoteState) -> None:
        self.decl = decl
        self.remote = remote
        self.declared: dict[str, str] = {}  # identity → label (repo path or fileId)
        self.paths: dict[str, str] = {}  # identity → repo path, local files only
        self.declared_ids: set[FileId] = set()
        self.by_upload_name: dict[str, str] = {}  # `<sha16>-<basename>` → repo path
        uploaded = []
        for entry in decl.files:
            if entry.file_id is not None:
                self.declared_ids.add(entry.file_id)
                self.declared[f"id:{entry.file_id}"] = entry.file_id
            elif entry.audio is not None and entry.path is not None:
                key = f"sha:{entry.audio.sha256[:16]}"
                self.declared[key] = self.paths[key] = entry.path
                self.by_upload_name[entry.upload_name or ""] = entry.path
        for entry in decl.all_files:
            found = remote.files_by_name.get(entry.upload_name or "")
            if found is not None and found.status == FileStatus.UPLOADED:
                uploaded.append((found.name, found.file_id))
        self.uploaded = tuple(sorted(uploaded))

    def identity(self, file_id: FileId) -> tuple[str, str]:
        if file_id in self.declared_ids:
            return f"id:{file_id}", file_id
        found = self.remote.files_by_id.get(file_id)
        if found is not None and _UPLOAD_NAME.match(found.name):
            return f"sha:{found.name[:16]}", found.name
        return f"unknown:{file_id}", file_id

    def discards(self, record: RemoteClone | None) -> tuple[Discard, ...]:
        if record is None:
            return ()
        out = []
        for file_id, reason in sorted(record.discarded.items()):
            key, _ = self.identity(file_id)
            # the exact upload name first: files with equal content keep their own paths
            found = self.remote.files_by_id.get(file_id)
            exact = self.by_upload_name.get(found.name) if found is not None else None
            out.append(Discard(file_id, exact or self.paths.get(key), reason))
        # repo paths first, in path order: what the user can act on
        return tuple(sorted(out, key=lambda d: (d.path is None, d.path or "", d.file_id)))

    def submitted(self, record: RemoteClone) -> frozenset[FileId]:
        """The submitted fileIds, segment ids (`<fileId>_0`) mapped back to their file."""
        known = self.declared_ids | set(self.remote.files_by_id)
        return frozenset(base_file_id(fid, known) for fid in record.submitted_files)

    def files_diff(self, record: RemoteClone) -> FieldDiff | None:
        """The stamp voicectl wrote at create settles it (api-contract.md §4.4), whatever
        the server made of `filesUsed`; otherwise (no stamp, or one that differs, e.g. an
        imported voice now declared by `file_id:`) `filesUsed` ∪ `discardedFiles` decide."""
        if remote_stamp(record) == files_stamp(self.decl):
            return None
        return self._listed_diff(record)

    def _listed_diff(self, record: RemoteClone) -> FieldDiff | None:
        remote = dict(self.identity(fid) for fid in self.submitted(record))
        if remote.keys() == self.declared.keys():
            return None
        only_declared = tuple(sorted(self.declared[k] for k in self.declared.keys() - remote))
        only_remote = tuple(sorted(remote[k] for k in remote.keys() - self.declared.keys()))
        return FieldDiff("files", only_declared, only_remote)


def compare_essence(
    decl: Declaration,
    record: RemoteClone,
    matcher: FileMatcher,
    *,
    unkept: frozenset[str] = frozenset(),
) -> tuple[FieldDiff, ...]:
    """Engine, files and metadata fields whose remote value differs; `ignore:` respected.
    `unkept`: fields of declared keys the server did not keep (provenance.py): not
    compared."""
    ignored = set(decl.ignore)
    fields: list[FieldDiff] = []
    if "engine" not in ignored and decl.engine != record.engine:
        fields.append(FieldDiff("engine", decl.engine, record.engine))
    files = None if "files" in ignored else matcher.files_diff(record)
    if files is not None:
        fields.append(files)
    if "metadata" not in ignored:
        fields.extend(_metadata_diff(decl, record, ignored | unkept))
    return tuple(fields)


def _field_path(key: str) -> str:
    return "language" if key == LANGUAGE_KEY else f"metadata.{key}"


def _nfc(value: MetaValue) -> MetaValue:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def _metadata_essence(metadata: Mapping[str, MetaValue], ignored: set[str]) -> dict[str, MetaValue]:
    out = {}
    for key, value in metadata.items():
        norm = unicodedata.normalize("NFC", key)
        # `metadata.languageCode` is how `ignore:` names the language (import writes it)
        if norm not in OWNED_KEYS and not {_field_path(norm), f"metadata.{norm}"} & ignored:
            out[norm] = _nfc(value)
    return out


def server_only_metadata(decl: Declaration, record: RemoteClone) -> dict[str, MetaValue]:
    """Keys only the server has (e.g. `language`, `accent`): shown, never drift."""
    declared = _metadata_essence({**decl.metadata, LANGUAGE_KEY: decl.language}, set())
    remote = _metadata_essence(record.metadata, set())
    return {k: remote[k] for k in sorted(remote.keys() - declared.keys())}


def _metadata_diff(decl: Declaration, record: RemoteClone, ignored: set[str]) -> list[FieldDiff]:
    """Declared keys whose remote value differs or is absent; a key only the server has
    is not voicectl's to compare (api-contract.md §4.4)."""
    declared = _metadata_essence({**decl.metadata, LANGUAGE_KEY: decl.language}, ignored)
    everything = _metadata_essence(record.metadata, ignored)
    remote = {k: v for k, v in everything.items() if k in declared}
    if declared == remote:  # fast path: same verdict as deepdiff (1 == 1.0), 100x cheaper
        return []
    from deepdiff import DeepDiff  # imported on the slow path only: ~20 ms per CLI start

    # threshold 0: always compare key by key, even when no key is shared (else deepdiff
    # reports one change of the whole mapping, with an empty path)
    tree = DeepDiff(
        declared,
        remote,
        view="tree",
        ignore_numeric_type_changes=True,
        threshold_to_diff_deeper=0,
    )
    fields = [
        FieldDiff(
            _field_path(str(level.path(output_format="list")[0])),
            _plain(level.t1),
            _plain(level.t2),
        )
        for report in tree.values()
        for level in report
    ]
    return sorted(fields, key=lambda f: f.path)


def _plain(value: object) -> FieldValue:
    from deepdiff.helper import notpresent

    if value is notpresent:
        return None
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def remote_fingerprint(declared: Sequence[Declaration], remote: RemoteState) -> str:
    """Hash of the remote essence behind the declared aliases (informational)."""
    aliases = sorted({d.alias for d in declared} | {d.replaces for d in declared if d.replaces})
    records = {
        alias: [
            {
                "clone_id": r.clone_id,
                "status": r.status,
                "engine": r.engine,
                "files": sorted(r.submitted_files),
                "stamp": remote_stamp(r),
                "metadata": dict(r.metadata),
            }
            for r in remote.clones.get(alias, ())
        ]
        for alias in aliases
    }
    return sha256_tag(records)
