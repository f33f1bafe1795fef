"""fetch_state: everything `plan` needs from AudioStack, read with GETs only.

Takes the `VoiceApi` protocol, never the client class; per-alias and per-file reads run
with bounded concurrency. Nothing here writes, sleeps or retries (the client does that).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from reconciler.audiostack.envelope import order_history
from reconciler.model.errors import ApiError
from reconciler.model.values import (
    Alias,
    FileId,
    FileStatus,
    RemoteClone,
    RemoteFile,
    RemoteState,
)
from reconciler.model.voiceapi import VoiceApi

T = TypeVar("T")
R = TypeVar("R")


def fetch_state(
    api: VoiceApi,
    aliases: Iterable[Alias],
    *,
    folder_name: str,
    declared_file_ids: Iterable[FileId] = (),
    concurrency: int = 8,
) -> RemoteState:
    """Clone histories (every alias of the org when list-all works, else each declared
    alias), the upload folder's files by name and by id, and the credit balance.
    `clones` holds only aliases with at least one record."""
    read_at = time.monotonic()
    listing = api.list_clones()
    if listing.complete:
        clones = group_by_alias(listing.records)
    else:  # list-all refused (api-contract.md E26): read each declared alias
        wanted = sorted(set(aliases))
        histories = map_bounded(api.get_clones, wanted, concurrency)
        clones = {a: order_history(h) for a, h in zip(wanted, histories, strict=True) if h}
    folder = api.find_folder(folder_name)
    folder_files = api.list_folder_files(folder) if folder is not None else ()
    files_by_id = {f.file_id: f for f in folder_files}
    missing = sorted(set(declared_file_ids) - files_by_id.keys())
    for item in map_bounded(api.get_file, missing, concurrency):
        if item is not None:
            files_by_id[item.file_id] = item
    credits = api.credits_remaining
    if credits is None and listing.credits_remaining is None:
        credits = read_balance(api)
    return RemoteState(
        clones=clones,
        files_by_name=pick_by_name(folder_files),
        files_by_id=files_by_id,
        credits_remaining=credits if credits is not None else listing.credits_remaining,
        folder_id=folder,
        complete_listing=listing.complete,
        folder_file_count=len(folder_files),
        read_at=read_at,
    )


def read_balance(api: VoiceApi) -> int | None:
    """No answer carried the balance (e.g. per-alias reads that were all 404, whose
    bodies have no envelope): ask once; a refusal leaves the balance unknown."""
    try:
        return api.read_balance()
    except ApiError:
        return None


def group_by_alias(records: Iterable[RemoteClone]) -> dict[Alias, tuple[RemoteClone, ...]]:
    grouped: dict[Alias, list[RemoteClone]] = {}
    for record in records:
        grouped.setdefault(record.alias, []).append(record)
    return {alias: order_history(grouped[alias]) for alias in sorted(grouped)}


def pick_by_name(files: Sequence[RemoteFile]) -> dict[str, RemoteFile]:
    """One file per name: an `uploaded` one beats any other status, then the newest
    (createdAt, else the later position in the listing)."""
    best: dict[str, tuple[tuple[bool, str, int], RemoteFile]] = {}
    for position, item in enumerate(files):
        rank = (item.status == FileStatus.UPLOADED, item.created_at or "", position)
        held = best.get(item.name)
        if held is None or rank > held[0]:
            best[item.name] = (rank, item)
    return {name: best[name][1] for name in sorted(best)}


def map_bounded(fn: Callable[[T], R], items: Sequence[T], limit: int) -> list[R]:
    """fn over items with at most `limit` calls in flight, results in input order. The
    first failure is raised and the calls not yet started are cancelled."""
    if len(items) <= 1 or limit <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(limit, len(items))) as pool:
        futures: list[Future[R]] = [pool.submit(fn, item) for item in items]
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()
            raise
