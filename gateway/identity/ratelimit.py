"""In-process guards of the public identity routes.

- :class:`SlidingWindowLimiter`: per-client rate limits on register, login and refresh;
- :class:`IdentifierFailures`: the failed-login counts of login identifiers that name no
  account (see :mod:`gateway.identity.login`), so an unknown NIK, e-mail or phone number is
  slowed down and locked exactly like a registered one.

Per-client rate limits: an in-process sliding window.

Each (route, client IP) keeps the times of its recent requests; a request beyond ``count``
within ``window_s`` is refused with the seconds until the oldest one leaves the window
(``Retry-After``). Time comes from the injected clock, so tests move it by hand.

Limits of this design, on purpose kept simple:

- the window lives in this process's memory: **several gateway replicas each hold their own
  window** (a client spread over N replicas gets up to N times the limit), and a restart
  forgets it. A shared store (e.g. Redis or a database table) would be needed for one exact
  global limit; the per-account lockout in the database is the guard that holds across
  replicas.
- the client is ``request.client.host``: the TCP peer, or the address a trusted proxy put in
  ``X-Forwarded-For``. Only uvicorn decides which proxies are trusted
  (``HALO_FORWARDED_ALLOW_IPS``, passed by :mod:`gateway.run`); the header is never read
  here directly.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from gateway.identity.settings import RateLimit

MAX_KEYS = 100_000
"""Above this many tracked clients, idle ones are dropped first (memory bound)."""


class SlidingWindowLimiter:
    def __init__(self, limits: dict[str, RateLimit]) -> None:
        self.limits = dict(limits)
        self._hits: dict[tuple[str, str], deque[float]] = {}

    def hit(self, route: str, client: str, now: float) -> int | None:
        """Count one request; None when allowed, else the seconds to wait (≥ 1)."""
        limit = self.limits.get(route)
        if limit is None:
            return None
        key = (route, client)
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= MAX_KEYS:
                self._prune(now)
            hits = self._hits[key] = deque()
        while hits and hits[0] <= now - limit.window_s:
            hits.popleft()
        if len(hits) >= limit.count:
            return max(1, math.ceil(hits[0] + limit.window_s - now))
        hits.append(now)
        return None

    def _prune(self, now: float) -> None:
        for key, hits in list(self._hits.items()):
            limit = self.limits[key[0]]
            if not hits or hits[-1] <= now - limit.window_s:
                del self._hits[key]
        while len(self._hits) >= MAX_KEYS:
            del self._hits[next(iter(self._hits))]


@dataclass
class FailureState:
    """Failed logins of one unknown identifier; the same fields as an account row, so the
    login code treats both alike."""

    failed_logins: int = 0
    last_failed_at: datetime | None = None
    locked_until: datetime | None = None


class IdentifierFailures:
    """Failed-login state per login identifier that names no account, in this process.

    Keys are HMAC-SHA256 of ``"<column>:<normalised value>"`` (the identifier itself is never
    kept). Entries with nothing to remember are dropped; above :data:`MAX_KEYS` idle ones go
    first, then the oldest.
    """

    def __init__(self, key: bytes, forget_after_s: int) -> None:
        self._key = key
        self._forget_after = timedelta(seconds=forget_after_s)
        self._states: dict[str, FailureState] = {}

    def key_of(self, column: str, value: str) -> str:
        return hmac.new(self._key, f"login-failures:{column}:{value}".encode(),
                        hashlib.sha256).hexdigest()

    def state(self, key: str, now: datetime) -> FailureState:
        """The identifier's state (a new, clean one is tracked from now on)."""
        state = self._states.get(key)
        if state is None:
            if len(self._states) >= MAX_KEYS:
                self._prune(now)
            state = self._states[key] = FailureState()
        return state

    def settle(self, key: str) -> None:
        """Stop tracking ``key`` when its state holds nothing any more."""
        state = self._states.get(key)
        if state is not None and not state.failed_logins and state.locked_until is None:
            del self._states[key]

    def __len__(self) -> int:
        return len(self._states)

    def keys(self) -> list[str]:
        return list(self._states)

    def _prune(self, now: datetime) -> None:
        for key, state in list(self._states.items()):
            idle = state.last_failed_at is None or \
                now - state.last_failed_at >= self._forget_after
            if idle and (state.locked_until is None or state.locked_until <= now):
                del self._states[key]
        while len(self._states) >= MAX_KEYS:
            del self._states[next(iter(self._states))]
