"""ExitCode: the one table of what voicectl's process exit status means (behaviour.md).

Named like pip's status codes; every command, error class and report returns a member.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    SUCCESS = 0
    ERROR = 1  # bad input, bad configuration, an API error, a cancelled apply
    CHANGES = 2  # `plan --detailed-exitcode` with changes; `drift` found drift
    STALE_PLAN = 3  # the saved or reviewed plan differs from a fresh one
    BLOCKED = 4  # the plan is blocked: nothing was written
    NOT_CONVERGED = 5  # apply left failed, not attempted or unknown voices
    INTERRUPTED = 130  # Ctrl-C / SIGTERM (128 + SIGINT)
    BROKEN_PIPE = 141  # the reader of stdout left early (128 + SIGPIPE)
