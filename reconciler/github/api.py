"""One repository's GitHub REST endpoints (httpx): auth headers, retries of idempotent calls,
`Link` pagination and the translation of failures into `GitHubError`.

The token travels only in the Authorization header, only to the configured API origin,
and is registered as a secret so no message can show it. What is called lives in github.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from reconciler.github.prcontext import check_api_url
from reconciler.model.errors import VoicectlError
from reconciler.redact import register_secret, safe

API_VERSION = "2022-11-28"
PER_PAGE = 100
MAX_PAGES = 200  # 20,000 comments: a runaway Link chain ends here
TIMEOUT_S = 30.0
_TRANSIENT = frozenset({429, 500, 502, 503, 504})
PERMISSION_HINT = (
    "give the job `permissions: pull-requests: write` and pass GITHUB_TOKEN; fork pull "
    "requests get a read-only token, so comment only on same-repository pull requests"
)


class GitHubError(VoicectlError):
    """A GitHub API call failed; the message names the call, never the token."""

    def __init__(self, message: str, *, status: int | None = None, hint: str | None = None):
        self.status = status
        self.hint = hint
        super().__init__(safe(message))


@dataclass(frozen=True, slots=True)
class GitHubApi:
    """One repository's REST endpoints with the token attached; `sleep` is injectable."""

    http: httpx.Client
    api_url: str
    repository: str
    token: str = field(repr=False)
    retries: int = 2
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        register_secret(self.token)
        object.__setattr__(self, "api_url", check_api_url(self.api_url))

    def url(self, path: str) -> str:
        return f"{self.api_url}/repos/{self.repository}{path}"

    def call(self, method: str, url: str, *, body: Any = None, retry: bool = True) -> Any:
        return _json(method, url, self.send(method, url, body=body, retry=retry))

    def send(
        self, method: str, url: str, *, body: Any = None, retry: bool = True
    ) -> httpx.Response:
        """One call; 429/5xx and transport errors retried only when `retry` (idempotent)."""
        _check_same_origin(url, self.api_url)
        attempts = 1 + (self.retries if retry else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self.http.request(
                    method, url, headers=self._headers(), json=body, timeout=TIMEOUT_S
                )
            except httpx.HTTPError as exc:
                if last:
                    raise GitHubError(
                        f"GitHub API {method} {_path_of(url)}: {type(exc).__name__}: {exc}"
                    ) from None
            else:
                if response.status_code < 400:
                    return response
                if response.status_code not in _TRANSIENT or last:
                    raise _error_for(method, url, response)
            self.sleep(min(2.0**attempt, 8.0))
        raise AssertionError("unreachable")  # pragma: no cover

    def iter_list(self, path: str) -> Iterator[dict[str, Any]]:
        """Every item of a list endpoint, 100 per page, following `Link: rel="next"`."""
        base = self.url(path)
        url: str | None = f"{base}?per_page={PER_PAGE}"
        for page in range(1, MAX_PAGES + 1):
            if url is None:
                return
            response = self.send("GET", url)
            items = _json("GET", url, response)
            if not isinstance(items, list):
                raise GitHubError(f"GitHub API GET {_path_of(url)}: expected a JSON list")
            yield from (item for item in items if isinstance(item, dict))
            link = response.links.get("next", {}).get("url")
            if link:
                url = link
            elif len(items) >= PER_PAGE:  # no Link header: fall back to page numbers
                url = f"{base}?per_page={PER_PAGE}&page={page + 1}"
            else:
                url = None
        raise GitHubError(f"GitHub API GET {_path_of(base)}: more than {MAX_PAGES} pages")

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "voicectl",
        }


def _path_of(url: str) -> str:
    return urlsplit(url).path or "/"


def _check_same_origin(url: str, api_url: str) -> None:
    """Never send the token anywhere but the configured API origin (e.g. via a Link header)."""
    want, got = urlsplit(api_url), urlsplit(url)
    if (want.scheme, want.netloc) != (got.scheme, got.netloc):
        raise GitHubError(f"refusing to send the GitHub token to {got.scheme}://{got.netloc}")


def _json(method: str, url: str, response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise GitHubError(
            f"GitHub API {method} {_path_of(url)}: HTTP {response.status_code}: not JSON",
            status=response.status_code,
        ) from None


def _error_for(method: str, url: str, response: httpx.Response) -> GitHubError:
    status = response.status_code
    try:
        data = response.json()
        message = str(data.get("message", "")) if isinstance(data, dict) else ""
    except ValueError:
        message = ""
    message = safe(message or response.text or response.reason_phrase, 256)
    hint = PERMISSION_HINT if status in (401, 403, 404) else None
    return GitHubError(
        f"GitHub API {method} {_path_of(url)}: HTTP {status}: {message}", status=status, hint=hint
    )
