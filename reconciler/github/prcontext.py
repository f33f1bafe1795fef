"""What a GitHub Actions step knows about its run: token, repository, API URL and the pull
request of the event payload (GITHUB_* variables), checked before any call is made.

No REST calls here (githubapi.py); the token is registered as a secret on first sight.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reconciler.model.errors import ConfigError
from reconciler.redact import register_secret, safe

DEFAULT_API_URL = "https://api.github.com"
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


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


def load_pr_context(
    environ: Mapping[str, str], *, require_pr: bool = True, pr_number: int | None = None
) -> PrContext:
    """Read GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL and the event payload;
    `pr_number` (`voicectl comment --pr N`) replaces the event's pull request number."""
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
    if pr_number is not None:
        number = pr_number
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
