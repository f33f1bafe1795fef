"""Reading every page of a folder's files (api-contract.md §3, §8): a server may cap a
page below the asked limit and give no total, so a short page does not end the listing;
an empty page, a page of nothing new, or the known total does. No httpx here."""

from __future__ import annotations

from collections.abc import Callable

from reconciler.audiostack.envelope import FilePage
from reconciler.model.values import FileId, RemoteFile

PAGE_SIZE = 100
MAX_PAGES = 10_000  # a server that ignores `offset` must not page forever


def read_all_pages(
    fetch: Callable[[int, int], FilePage], offset: int = 0
) -> tuple[RemoteFile, ...]:
    """Every file from position `offset` on; `fetch(limit, offset)` reads one page."""
    files: dict[FileId, RemoteFile] = {}
    for _ in range(MAX_PAGES):
        page = fetch(PAGE_SIZE, offset + len(files))
        fresh = [f for f in page.items if f.file_id not in files]
        files.update((f.file_id, f) for f in fresh)
        if not fresh or (page.total is not None and offset + len(files) >= page.total):
            break
    return tuple(files.values())
