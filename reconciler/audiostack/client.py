"""AudioStackClient: the `VoiceApi` over an injected httpx transport (api-contract.md).

Owns headers, the per-request deadline, retries of idempotent calls and the credits
balance; one attempt and its `ApiError` live in exchange.py/httperrors.py, the upload body
and its processing wait in uploadbody.py, body shapes in envelope.py, paging in paging.py,
the clone route in dialect.py. Never retries a call that creates something, never logs
headers, never sends the key to an upload URL.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from reconciler.audiostack import envelope as env
from reconciler.audiostack import uploadbody as up
from reconciler.audiostack.dialect import CloneRoute, RouteChoice
from reconciler.audiostack.exchange import RequestRecord, send_once
from reconciler.audiostack.paging import read_all_pages
from reconciler.audiostack.retry import (
    AttemptResult,
    Clock,
    Cooldown,
    Pacer,
    Random,
    RetryPolicy,
    Sleep,
)
from reconciler.audiostack.wirerequest import RequestBuilder, api_http
from reconciler.model.errors import ApiError, AuthError, ConflictError, NotFoundError
from reconciler.model.values import (
    Alias,
    FileId,
    FileStatus,
    FolderId,
    RemoteClone,
    RemoteFile,
    Sha256,
)
from reconciler.model.voiceapi import CloneListing, CloneRequest, UploadWait
from reconciler.redact import register_secret

DEFAULT_TIMEOUT = httpx.Timeout(connect=5, read=30, write=60, pool=5)
MIN_UPLOAD_RATE = 100_000  # bytes/s assumed when stretching the deadline of an upload PUT
Wait = up.WaitProgress | None


class AudioStackClient:
    """Thread-safe AudioStack client; one per run (it holds the run's retry budget)."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        transport: httpx.BaseTransport | None = None,
        org_id: str | None = None,
        trace_id: str | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        request_deadline_s: float = 120,
        retry: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
        rand: Random = random.random,
        on_request: Callable[[RequestRecord], None] | None = None,
        key_is_secret: bool = True,
        upload_wait: UploadWait | None = None,
        note: Callable[[str], None] | None = None,
    ) -> None:
        # False only for the public emulator key (api-contract.md E11): registering the
        # word "emulator" as a secret would mask it in every message
        if key_is_secret:
            register_secret(api_key)
        self._org_id = org_id
        self.trace_id = trace_id or uuid.uuid4().hex
        self._base_url = base_url
        self._http = api_http(base_url, transport, timeout)
        keys = {"x-api-key": api_key, "x-customer-trace-id": self.trace_id}
        if org_id:
            keys["x-assume-org"] = org_id
        self._requests = RequestBuilder(self._http, keys)
        self._deadline_s = request_deadline_s
        self._pacer = Pacer(retry, sleep=sleep, clock=clock, rand=rand)
        self._sleep = sleep
        self._clock = clock
        self._on_request = on_request
        self._credits: int | None = None
        self._upload_wait = upload_wait or UploadWait()
        self._note = note or (lambda _: None)
        self._routes = RouteChoice(note=self._note)

    def __repr__(self) -> str:
        return f"AudioStackClient(base_url={self._base_url!r}, org_id={self._org_id!r}, key=***)"

    __str__ = __repr__

    def __enter__(self) -> AudioStackClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    @property
    def cooldown(self) -> Cooldown:
        """The shared 429 cooldown; apply bounds its concurrent voices with `slot()`."""
        return self._pacer.cooldown

    @property
    def credits_remaining(self) -> int | None:
        return self._credits

    def read_balance(self) -> int | None:
        """The balance when no answer carried it (every per-alias read a 404, which has no
        envelope): one GET of the voice list (JS SDK `Voice.list`), whose envelope has `meta`."""
        if self._credits is None:
            self._api("GET", "/speech/voice")
        return self._credits

    @property
    def upload_wait(self) -> UploadWait:
        return self._upload_wait

    def list_clones(self) -> CloneListing:
        """Every visible record, or an incomplete listing when the list-all read is refused
        with any HTTP answer but a missing key or rate limiting (it is in no SDK:
        api-contract.md E26): the per-alias reads that follow are the fallback."""
        try:
            path, payload = self._routes.call(lambda r: (r.path, self._api("GET", r.path)))
        except ApiError as exc:
            if exc.status is None or exc.status in (401, 429):
                raise
            self._note(f"list-all refused ({exc}); reading each declared alias instead")
            return CloneListing(records=(), credits_remaining=self._credits, complete=False)
        return CloneListing(env.parse_clones(payload, path), self._credits)

    def get_clones(self, alias: Alias) -> tuple[RemoteClone, ...]:
        """The alias's history, oldest first by startedAt then cloneId (never list order)."""
        query = {"alias": alias}
        try:
            path, payload = self._routes.call(
                lambda r: (r.path, self._api("GET", r.path, params=query))
            )
        except NotFoundError:  # some deployments answer 404 for an unknown alias
            return ()
        return env.parse_clones(payload, path)

    def create_clone(self, request: CloneRequest) -> RemoteClone:
        def post(route: CloneRoute) -> tuple[str, Any]:
            body = route.body(request)  # sent once: never blindly retried
            return route.path, self._api("POST", route.path, json=body, retry=False)

        path, payload = self._routes.call(post)
        return env.created_record(payload, path)

    def find_folder(self, name: str) -> FolderId | None:
        try:
            return env.parse_folder_id(
                self._api("GET", "/folders", params={"path": name}), "/folders"
            )
        except NotFoundError:
            return None

    def create_folder(self, name: str) -> FolderId:
        body = {"folder_name": name, "parent_folder_id": None}
        try:
            return env.parse_folder_id(
                self._api("POST", "/folders", json=body, retry=False), "/folders"
            )
        except ConflictError:
            existing = self.find_folder(name)
            if existing is None:
                raise
            return existing

    def list_folder_files(self, folder: FolderId, offset: int = 0) -> tuple[RemoteFile, ...]:
        """The folder's files from position `offset` on (0: all of them). Pages until an
        empty page or the known total, since a server may cap a page below the asked limit
        and give no total (api-contract.md §8)."""
        path = f"/folders/{quote(folder, safe='')}/files"

        def fetch(limit: int, at: int) -> env.FilePage:
            params = {"limit": limit, "offset": at}
            return env.parse_file_page(self._api("GET", path, params=params), path)

        return read_all_pages(fetch, offset, concurrency=8)

    def get_file(self, file_id: FileId) -> RemoteFile | None:
        path = f"/files/{quote(file_id, safe='')}"
        try:
            return env.parse_file(self._api("GET", path), path)
        except NotFoundError:
            return None

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
        """POST /files (once) → PUT the bytes (retried; hashed while read; `sent` is told
        the bytes taken) → poll the item. `confirm=False` skips the poll: the item says
        `pending`, and the caller confirms processing later (the create refuses them, E9)."""
        size = up.measure_file(path, name)
        body = {"file_name": name, "folder_id": folder}
        file_id, url, mime = env.parse_upload_slot(
            # not retried (a new slot each time), but sent again after a 429's Retry-After
            self._api("POST", "/files", json=body, retry=False, pace=True),
            "/files",
        )
        target = httpx.URL(url)
        headers = {"Content-Type": mime, "Content-Length": str(size)}  # no key, no trace id

        def build() -> httpx.Request:
            content = up.hashed_chunks(path, size, sha256, name, on_sent=sent)
            return self._requests.put(target, headers, content)

        # the overall deadline also covers sending the body: allow for a slow uplink
        deadline = self._deadline_s + size / MIN_UPLOAD_RATE
        try:
            self._send(
                build, "PUT", target.path, retry=True, expect_json=False, deadline_s=deadline
            )
        except AuthError as exc:  # the URL carries no key: its signature or expiry failed
            raise up.refused_upload_url(exc, target.path) from exc
        if not confirm:
            return RemoteFile(file_id, name, folder, size, FileStatus.PENDING)
        return self.await_file(file_id, name, progress)

    def await_file(self, file_id: FileId, name: str, progress: Wait = None) -> RemoteFile:
        """Poll the file item until the server has processed it (up to the upload wait)."""
        item = f"/files/{quote(file_id, safe='')}"
        return up.await_uploaded(
            lambda: env.parse_file(self._api("GET", item), item), name, item,
            wait=self._upload_wait, sleep=self._sleep, clock=self._clock, progress=progress,
        )  # fmt: skip

    def _api(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        retry: bool = True,
        pace: bool = False,
    ) -> Any:
        shown = str(httpx.URL(path, params=params)) if params else path

        def build() -> httpx.Request:
            return self._requests.api(method, path, params, json)

        return self._send(build, method, shown, retry=retry, expect_json=True, pace=pace)

    def _send(
        self,
        build: Callable[[], httpx.Request],
        method: str,
        path: str,
        *,
        retry: bool,
        expect_json: bool,
        deadline_s: float | None = None,
        pace: bool = False,
    ) -> Any:
        """One call, retried by the pacer when `retry`; returns the decoded JSON body."""

        limit = deadline_s or self._deadline_s
        hook, clock = self._on_request, self._clock

        def attempt() -> AttemptResult:
            return send_once(
                self._http, build(), clock=clock, deadline_s=limit,
                expect_json=expect_json, on_request=hook, path=path,
            )  # fmt: skip

        payload = self._pacer.run(attempt, retry=retry, method=method, path=path, pace=pace)
        credits = env.read_credits(payload)
        if credits is not None:
            self._credits = credits
        return payload
