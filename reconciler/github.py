"""The GitHub REST calls voicectl makes (httpx): the sticky PR comment, edited in place or
created (never deleted), and the pull request a pushed commit came from.

The token travels only in the Authorization header, only to the configured API origin,
and is registered as a secret so no message can show it. Body text lives in githubmd.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from reconciler.errors import ConfigError, VoicectlError
from reconciler.redact import register_secret, safe

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
PER_PAGE = 100
MAX_PAGES = 200  # 20,000 comments: a runaway Link chain ends here
TIMEOUT_S = 30.0
# Comments by these associations (or by a GitHub App bot) may carry our marker; a marker
# typed by an outside contributor is ignored: never edited, never trusted as a review.
TRUSTED_ASSOCIATIONS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
_TRANSIENT = frozenset({429, 500, 502, 503, 504})
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
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
class CommentResult:
    action: Literal["created", "updated"]
    id: int
    url: str


@dataclass(frozen=True, slots=True)
class PrContext:
    """What a workflow step knows about its run, read from the GITHUB_* variables."""

    api_url: str
    repository: str
    token: str = field(repr=False)
    pr_number: int | None = None
    head_sha: str | None = None  # pull_request.head.sha, else GITHUB_SHA
    sha: str | None = None  # GITHUB_SHA: the merge commit on a push
    event_name: str = ""


def load_pr_context(environ: Mapping[str, str], *, require_pr: bool = True) -> PrContext:
    """Read GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL and the event payload."""
    token = environ.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise ConfigError(
            "GITHUB_TOKEN is not set: add `GITHUB_TOKEN: ${{ github.token }}` to the step's env"
        )
    register_secret(token)
    repository = environ.get("GITHUB_REPOSITORY", "").strip()
    owner, _, name = repository.partition("/")
    if not owner or not name or "/" in name:
        raise ConfigError(f"GITHUB_REPOSITORY must be owner/name, got {safe(repository, 80)!r}")
    api_url = check_api_url(environ.get("GITHUB_API_URL") or DEFAULT_API_URL)
    event = _read_event(environ.get("GITHUB_EVENT_PATH", ""))
    pull = event.get("pull_request") if isinstance(event.get("pull_request"), dict) else None
    number = pull.get("number") if pull else None
    if not isinstance(number, int) or isinstance(number, bool):
        number = None
    if require_pr and number is None:
        raise ConfigError(
            "not a pull request: the event payload (GITHUB_EVENT_PATH) has no "
            "pull_request.number; run `voicectl comment` in a pull_request workflow"
        )
    head = pull.get("head", {}).get("sha") if pull and isinstance(pull.get("head"), dict) else None
    sha = environ.get("GITHUB_SHA") or None
    return PrContext(
        api_url=api_url,
        repository=repository,
        token=token,
        pr_number=number,
        head_sha=str(head) if head else sha,
        sha=sha,
        event_name=environ.get("GITHUB_EVENT_NAME", ""),
    )


def check_api_url(url: str) -> str:
    """https only (plain http only on loopback, for tests): the token rides on it."""
    parts = urlsplit(url.strip())
    loopback = parts.scheme == "http" and (parts.hostname or "") in _LOOPBACK
    if not parts.netloc or not (parts.scheme == "https" or loopback):
        raise ConfigError(f"GITHUB_API_URL must be an https:// URL, got {safe(url, 80)!r}")
    return url.strip().rstrip("/")


def _read_event(path: str) -> dict[str, Any]:
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the event payload GITHUB_EVENT_PATH: {exc}") from None
    return data if isinstance(data, dict) else {}


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


def is_trusted(comment: Mapping[str, Any]) -> bool:
    user = comment.get("user")
    if isinstance(user, Mapping) and user.get("type") == "Bot":
        return True
    return comment.get("author_association") in TRUSTED_ASSOCIATIONS


def iter_marked_comments(api: GitHubApi, pr_number: int, marker: str) -> Iterator[dict[str, Any]]:
    """Trusted comments on the PR whose body starts with `marker`, oldest first."""
    for comment in api.iter_list(f"/issues/{pr_number}/comments"):
        body = comment.get("body")
        if isinstance(body, str) and body.startswith(marker) and is_trusted(comment):
            yield comment


def find_marked_comment(api: GitHubApi, pr_number: int, marker: str) -> dict[str, Any] | None:
    """The oldest trusted comment on the PR whose body starts with `marker`."""
    return next(iter_marked_comments(api, pr_number, marker), None)


def post_sticky_comment(
    http: httpx.Client,
    *,
    api_url: str,
    repository: str,
    pr_number: int,
    token: str,
    body: str,
    marker: str,
    sleep: Callable[[float], None] = time.sleep,
) -> CommentResult:
    """Edit the PR comment starting with `marker` in place, or create it. Never deletes."""
    if not body.startswith(marker):
        raise ValueError("the comment body must start with its marker")
    api = GitHubApi(http, api_url, repository, token, sleep=sleep)
    existing = find_marked_comment(api, pr_number, marker)
    if existing is None:
        try:
            return _create_comment(api, pr_number, body)
        except GitHubError as exc:
            # POST is not idempotent: after a lost reply, read back before trying again, so
            # a comment that was in fact created is edited instead of duplicated.
            if exc.status is not None and exc.status < 500 and exc.status != 429:
                raise
            existing = find_marked_comment(api, pr_number, marker)
            if existing is None:
                return _create_comment(api, pr_number, body)
    comment_id = int(existing["id"])
    updated = api.call("PATCH", api.url(f"/issues/comments/{comment_id}"), body={"body": body})
    return CommentResult("updated", comment_id, str(updated.get("html_url", "")))


def _create_comment(api: GitHubApi, pr_number: int, body: str) -> CommentResult:
    url = api.url(f"/issues/{pr_number}/comments")
    created = api.call("POST", url, body={"body": body}, retry=False)
    return CommentResult("created", int(created["id"]), str(created.get("html_url", "")))


def post_for_context(
    http: httpx.Client, ctx: PrContext, *, body: str, marker: str
) -> CommentResult:
    """`post_sticky_comment` on the pull request of the current workflow run."""
    if ctx.pr_number is None:
        raise GitHubError("no pull request number: pass --pr N or run on a pull_request event")
    return post_sticky_comment(
        http,
        api_url=ctx.api_url,
        repository=ctx.repository,
        pr_number=ctx.pr_number,
        token=ctx.token,
        body=body,
        marker=marker,
    )


def find_merged_pull(api: GitHubApi, commit_sha: str) -> dict[str, Any] | None:
    """The merged pull request that produced `commit_sha` on the default branch, if any."""
    for pull in api.iter_list(f"/commits/{commit_sha}/pulls"):
        if pull.get("merged_at") and pull.get("merge_commit_sha") == commit_sha:
            return pull
    return None


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
