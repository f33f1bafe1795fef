"""Reading every page of a folder's files (api-contract.md §3, §8): a server may cap a
page below the asked limit and give no total, so a short page does not end the listing;
an empty page, a page of nothing new, or the known total does. When the first page is full
and gives the total, the other pages are read `concurrency` at a time (a 50,000-voice
folder is 1,000 pages: sequential, that is 1,000 round trips). No httpx here."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from reconciler.audiostack.envelope import FilePage
from reconciler.model.values import FileId, RemoteFile

PAGE_SIZE = 100
MAX_PAGES = 10_000  # a server that ignores `offset` must not page forever

Fetch = Callable[[int, int], FilePage]


def read_all_pages(
    fetch: Fetch, offset: int = 0, *, concurrency: int = 1
) -> tuple[RemoteFile, ...]:
    """Every file from position `offset` on; `fetch(limit, offset)` reads one page."""
    first = fetch(PAGE_SIZE, offset)
    total = first.total
    if concurrency > 1 and total is not None and len(first.items) == PAGE_SIZE:
        found = _in_parallel(fetch, first, offset, total, concurrency)
        if found is not None:
            return found
    return _in_turn(fetch, offset, first)


def _in_parallel(
    fetch: Fetch, first: FilePage, offset: int, total: int, concurrency: int
) -> tuple[RemoteFile, ...] | None:
    """The pages after `first` at once; None when one came back short (a capped page or
    a folder that changed meanwhile: positions no longer line up), to be read in turn."""
    starts = range(offset + PAGE_SIZE, min(total, offset + PAGE_SIZE * MAX_PAGES), PAGE_SIZE)
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(starts)))) as pool:
        pages = [first, *pool.map(lambda at: fetch(PAGE_SIZE, at), starts)]
    files: dict[FileId, RemoteFile] = {}
    for n, page in enumerate(pages):
        last = n == len(pages) - 1
        if len(page.items) < (PAGE_SIZE if not last else total - offset - PAGE_SIZE * n):
            return None
        files.update((f.file_id, f) for f in page.items)
    if len(files) != sum(len(p.items) for p in pages):
        return None  # a file listed twice: the folder moved under the read
    return tuple(files.values())


def _in_turn(fetch: Fetch, offset: int, page: FilePage) -> tuple[RemoteFile, ...]:
    files: dict[FileId, RemoteFile] = {}
    for _ in range(MAX_PAGES):
        fresh = [f for f in page.items if f.file_id not in files]
        files.update((f.file_id, f) for f in fresh)
        if not fresh or (page.total is not None and offset + len(files) >= page.total):
            break
        page = fetch(PAGE_SIZE, offset + len(files))
    return tuple(files.values())
