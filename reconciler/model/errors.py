"""Diagnostics (located problems in user input) and the VoicectlError tree.

Only values and exception classes live here: no I/O, no formatting for a specific output.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reconciler.model.exitcodes import ExitCode


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A point in a source file: repo-relative POSIX path, 1-based line and column."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{self.col}"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in the user's input, with where it is and how to fix it."""

    location: Location
    severity: Severity
    message: str
    hint: str | None = None
    code: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.path, loc.line, loc.col, self.severity.value, self.message)

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity.value}: {self.message}"
        return text if self.hint is None else f"{text}\n  hint: {self.hint}"


class VoicectlError(Exception):
    """Root of every expected failure; `exit_code` is what the CLI returns."""

    exit_code: ExitCode = ExitCode.ERROR


class DeclarationError(VoicectlError):
    """The declarations are invalid; carries every diagnostic found in one pass."""

    def __init__(
        self, diagnostics: tuple[Diagnostic, ...], quality: tuple[object, ...] = ()
    ) -> None:
        self.diagnostics = tuple(sorted(diagnostics, key=Diagnostic.sort_key))
        self.quality = quality  # VoiceQuality figures measured before the errors were found
        errors = sum(1 for d in self.diagnostics if d.is_error)
        super().__init__(f"{errors} error(s) in the declarations")


class ConfigError(VoicectlError):
    """Settings or environment are unusable (missing owner, key in a file, bad flag)."""


class SelectorError(VoicectlError):
    """A selector (--only, --changed, --target) matched nothing."""


class StalePlanError(VoicectlError):
    """A saved plan no longer matches a fresh plan."""

    exit_code = ExitCode.STALE_PLAN


class PlanFileError(VoicectlError):
    """A saved plan file is unreadable, not valid against plan.schema.json, or edited."""


class BlockedPlanError(VoicectlError):
    """The plan is blocked by budget or policy."""

    exit_code = ExitCode.BLOCKED


class ApiError(VoicectlError):
    """An HTTP call failed. Messages are already truncated and scrubbed of secrets."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        method: str = "",
        path: str = "",
    ) -> None:
        self.status = status
        self.request_id = request_id
        self.method = method
        self.path = path
        self.server_message = message
        parts = [f"{method} {path}".strip()]
        if status is not None:
            parts.append(f"HTTP {status}")
        head = " ".join(p for p in parts if p)
        tail = f" (request id {request_id})" if request_id else ""
        super().__init__(f"{head}: {message}{tail}" if head else f"{message}{tail}")

    @property
    def transient(self) -> bool:
        return False


class AuthError(ApiError):
    """401/403: the key is missing, unknown or not permitted."""


class NotFoundError(ApiError):
    """404."""


class ConflictError(ApiError):
    """409: e.g. the alias is already taken."""


class CreditsError(ApiError):
    """402: insufficient credits."""


class BadRequestError(ApiError):
    """400 and other permanent 4xx."""


class RateLimitedError(ApiError):
    """429 that outlived the retry budget."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: object) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kw)  # type: ignore[arg-type]

    @property
    def transient(self) -> bool:
        return True


class ServerError(ApiError):
    """5xx, gateway timeouts and garbage bodies."""

    @property
    def transient(self) -> bool:
        return True


class TransportError(ApiError):
    """No usable response: connect error, reset, read timeout, deadline exceeded."""

    @property
    def transient(self) -> bool:
        return True


class UploadPendingError(ApiError):
    """An uploaded file was still being processed when the wait ran out: not transient
    (a second upload slot for the same content must not follow)."""


class UploadMismatchError(ApiError):
    """The local file no longer matches its validated sha256 (or cannot be read) at upload."""
