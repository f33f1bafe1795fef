"""Who is calling: the x-api-key lookup (E11), x-assume-org, and the rate limiter (E12).

Keys are compared, never logged or echoed. No route handling here.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from urllib.parse import unquote

from reconciler.emulator.store import Store
from reconciler.emulator.wire import ApiProblem, EmuRequest, show


@dataclass(frozen=True, slots=True)
class Caller:
    org_id: str
    user_id: str


def authenticate(store: Store, request: EmuRequest) -> tuple[str, Caller]:
    """Return (key, caller) or raise 401/403 (api-contract.md E11). The key comes in
    `x-api-key` or, as the JS SDK's `jwt` option sends it, `Authorization: Bearer`."""
    key = (request.header("x-api-key") or "").strip()
    bearer = (request.header("authorization") or "").strip()
    if not key and bearer[:7].lower() == "bearer ":
        key = bearer[7:].strip()  # INVENTED: api-contract.md §8 (the token is the key)
    if not key:
        # INVENTED: api-contract.md E11 (wording)
        raise ApiProblem(401, "missing API key: send it in the x-api-key header")
    with store.read() as conn:
        row = conn.execute(
            "SELECT org_id, user_id FROM api_keys WHERE api_key = ?", (key,)
        ).fetchone()
        if row is None:
            # INVENTED: api-contract.md E11 (unknown key → 403; the key is never echoed)
            raise ApiProblem(403, "invalid API key")
        org, user = str(row[0]), str(row[1])
        # the JS SDK sends encodeURI(orgId) (lib/utils/Request.js)
        assumed = unquote((request.header("x-assume-org") or "").strip())
        if assumed and assumed != org:
            member = conn.execute(
                "SELECT 1 FROM members WHERE user_id = ? AND org_id = ?", (user, assumed)
            ).fetchone()
            if member is None:
                # INVENTED: api-contract.md E11 (x-assume-org for a foreign organisation)
                raise ApiProblem(403, f"not a member of organisation '{show(assumed)}'")
            org = assumed
    return key, Caller(org, user)


class RateLimiter:
    """A token bucket per key on the emulator clock; off when `per_second` is None."""

    def __init__(self, per_second: float | None = None) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, last time)
        self.per_second = per_second

    @property
    def per_second(self) -> float | None:
        return self._rate

    @per_second.setter
    def per_second(self, value: float | None) -> None:
        if value is not None and (not math.isfinite(value) or value <= 0):
            raise ValueError("rate limit must be a positive number of requests per second")
        with self._lock:
            self._rate = value
            self._buckets.clear()

    def check(self, key: str, now: float) -> None:
        """Take one token or raise 429 with Retry-After (api-contract.md E12)."""
        rate = self._rate
        if rate is None:
            return
        capacity = max(1.0, rate)
        with self._lock:
            tokens, last = self._buckets.get(key, (capacity, now))
            tokens = min(capacity, tokens + max(0.0, now - last) * rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                wait = max(1, math.ceil((1.0 - tokens) / rate))
                # INVENTED: api-contract.md E12 (body wording and integer Retry-After)
                raise ApiProblem(429, "Too Many Requests", headers=(("retry-after", str(wait)),))
            self._buckets[key] = (tokens - 1.0, now)
