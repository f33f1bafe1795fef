"""Builders for hand-made declarations and remote state (no I/O), shared by tests/plan."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from reconciler.model.errors import Location
from reconciler.model.values import (
    Alias,
    AudioInfo,
    CloneId,
    Declaration,
    DeclaredFile,
    FileId,
    FolderId,
    MetaValue,
    RemoteClone,
    RemoteFile,
    RemoteState,
    Sha256,
)
from reconciler.plan.diff import Policy, compare, compare_pr
from reconciler.plan.value import Change, Plan
from tests.support.planschema import assert_valid_plan_json

OWNER = "acme/voices"
MARKER = f"voicectl:{OWNER}"
FOREIGN = "voicectl:other/team"


def only(plan_changes: tuple[Change, ...]) -> Change:
    """The one change of a plan that has exactly one."""
    assert len(plan_changes) == 1, plan_changes
    return plan_changes[0]


def sha(seed: str) -> Sha256:
    return Sha256(hashlib.sha256(seed.encode()).hexdigest())


def local(
    path: str, *, seconds: float = 4.0, size: int = 100_000, seed: str | None = None
) -> DeclaredFile:
    audio = AudioInfo(sha(seed or path), size, path.rsplit(".", 1)[-1], seconds)
    return DeclaredFile(Location(path, 0, 0), path=path, audio=audio)


def by_id(file_id: str) -> DeclaredFile:
    return DeclaredFile(Location("voices/x.yaml", 5, 5), file_id=FileId(file_id))


def declaration(
    alias: str,
    *,
    engine: str = "voice_engine_3",
    files: Iterable[DeclaredFile] | None = None,
    language: str = "en-GB",
    metadata: Mapping[str, MetaValue] | None = None,
    **extra: Any,
) -> Declaration:
    if files is None:
        files = [local(f"voices/audio/{alias}/take-{n}.wav") for n in (1, 2)]
    return Declaration(
        alias=Alias(alias),
        engine=engine,
        language=language,
        files=tuple(files),
        source=Location(f"voices/{alias}.yaml", 3, 8),
        metadata=dict(metadata or {"gender": "female"}),
        **extra,
    )


def remote_file(entry: DeclaredFile, *, status: str = "uploaded") -> RemoteFile:
    assert entry.audio is not None and entry.upload_name is not None
    return RemoteFile(
        file_id=FileId(f"f-{entry.audio.sha256[:12]}"),
        name=entry.upload_name,
        folder_id=FolderId("folder-1"),
        size=entry.audio.bytes,
        status=status,
        duration_s=entry.audio.duration_s,
    )


def file_ids(decl: Declaration) -> tuple[FileId, ...]:
    return tuple(f.file_id if f.file_id else remote_file(f).file_id for f in decl.files)


def clone(
    decl: Declaration,
    *,
    status: str = "succeeded",
    managed_by: str | None = MARKER,
    metadata: Mapping[str, MetaValue] | None = None,
    engine: str | None = None,
    files_used: Iterable[str] | None = None,
    discarded: Mapping[str, str] | None = None,
    fail_reason: str | None = None,
    clone_id: str | None = None,
) -> RemoteClone:
    if metadata is None:
        meta: dict[str, MetaValue] = {**decl.metadata, "languageCode": decl.language}
    else:
        meta = dict(metadata)
    if managed_by is not None:
        meta["managed_by"] = managed_by
    used = tuple(FileId(f) for f in files_used) if files_used is not None else file_ids(decl)
    gone = {FileId(k): v for k, v in (discarded or {}).items()}
    return RemoteClone(
        clone_id=CloneId(clone_id or f"c-{decl.alias}-{status}"),
        alias=decl.alias,
        engine=engine or decl.engine,
        status=status,
        files_used=tuple(f for f in used if f not in gone),
        discarded=gone,
        metadata=meta,
        fail_reason=fail_reason,
    )


def state(
    *records: RemoteClone,
    uploaded: Iterable[Declaration] = (),
    extra_files: Iterable[RemoteFile] = (),
    credits: int | None = 10_000,
    complete: bool = True,
) -> RemoteState:
    """Remote state holding `records` (oldest first per alias) and the uploads of `uploaded`."""
    clones: dict[Alias, tuple[RemoteClone, ...]] = {}
    for record in records:
        clones[record.alias] = (*clones.get(record.alias, ()), record)
    files = [remote_file(f) for d in uploaded for f in (*d.files, d.consent) if f and f.audio]
    files.extend(extra_files)
    return RemoteState(
        clones=clones,
        files_by_name={f.name: f for f in files},
        files_by_id={f.file_id: f for f in files},
        credits_remaining=credits,
        folder_id=FolderId("folder-1"),
        complete_listing=complete,
    )


def checked(plan: Plan) -> Plan:
    """Validate the plan's JSON shape against the schema, then hand the plan back."""
    assert_valid_plan_json(plan.to_dict(created_at="2026-11-25T10:00:00Z"))
    return plan


def plan_of(declared: Iterable[Declaration], remote: RemoteState, **policy: Any) -> Plan:
    """compare() with our owner; every plan a test builds is also schema-checked."""
    return checked(compare(list(declared), remote, Policy(owner=OWNER, **policy)))


def pr_plan_of(
    head: Iterable[Declaration], base: Iterable[Declaration], remote: RemoteState, **policy: Any
) -> Plan:
    return checked(compare_pr(list(head), list(base), remote, Policy(owner=OWNER, **policy)))


def rich_scenario() -> tuple[list[Declaration], RemoteState]:
    """One plan with every action: the golden files render it."""
    anna = declaration(
        "anna-en-warm",
        files=[
            local("voices/audio/anna/take-01.wav", seconds=4.0),
            local("voices/audio/anna/take-02.wav", seconds=4.2),
            local("voices/audio/anna/take-03.mp3", seconds=4.2),
        ],
        metadata={"gender": "female", "accent": "british"},
    )
    bob = declaration(
        "bob-fr",
        engine="voice_engine_2",
        language="fr-FR",
        files=[local("voices/audio/bob/long.flac", seconds=1500.0, size=40_000_000)],
        consent=local("voices/audio/bob/consent.wav", seconds=20.0),
    )
    # made elsewhere (imported: files by id, outside voicectl's folder), not stamped
    carla = declaration("carla", files=[by_id("f-carla-1"), by_id("f-carla-2")])
    dan = declaration("dan", metadata={"gender": "male", "accent": "british"})
    eva_old = declaration("eva-old")
    eva = declaration("eva-new", replaces=Alias("eva-old"))
    finn = declaration("finn", engine="voice_engine_2")
    gus = declaration(
        "gus",
        files=[local("voices/audio/gus/s1.wav"), local("voices/audio/gus/s3.wav", seconds=1.2)],
    )
    hana = declaration("hana")
    ivy, jo = declaration("ivy"), declaration("jo")
    legacy, foreign = declaration("legacy"), declaration("team-x-voice")
    short = remote_file(gus.files[1]).file_id
    records = [
        clone(carla, managed_by=None),
        clone(dan, metadata={"gender": "male", "accent": "scottish", "languageCode": "en-GB"}),
        clone(eva_old),
        clone(finn, status="in_progress"),
        clone(
            gus,
            status="failed",
            discarded={short: "too short: 1.2 s < 1.5 s"},
            fail_reason="not enough audio: 4.0 s used",
        ),
        clone(hana, managed_by=FOREIGN),
        clone(ivy),
        clone(jo),
        clone(legacy),
        clone(foreign, managed_by=FOREIGN),
    ]
    declared = [anna, bob, carla, dan, eva, finn, gus, hana, ivy, jo]
    first_take = replace(anna, files=anna.files[:1])
    remote = state(*records, uploaded=[first_take, dan, eva_old, finn, gus, hana, ivy, jo])
    return declared, remote


def pr_scenario() -> tuple[list[Declaration], list[Declaration], RemoteState]:
    """Head vs base: one PR create, one PR-edited drift (blocked), pre-existing drift."""
    kept = declaration("kept", metadata={"accent": "british"})
    edited_base = declaration("edited", metadata={"accent": "british"})
    edited_head = declaration("edited", metadata={"accent": "irish"})
    waiting = declaration("waiting")
    added = declaration("added")
    remote = state(
        clone(kept, metadata={"accent": "scottish", "languageCode": "en-GB"}),
        clone(edited_base, metadata={"accent": "welsh", "languageCode": "en-GB"}),
        uploaded=[kept, edited_base],
    )
    return [added, edited_head, kept, waiting], [edited_base, kept, waiting], remote
