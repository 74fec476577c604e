"""Per-client rate limits of the public identity routes (register, login, refresh): an
in-process sliding window.

Each (route, client IP) keeps the times of its recent requests; a request beyond ``count``
within ``window_s`` is refused with the seconds until the oldest one leaves the window
(``Retry-After``). Time comes from the injected clock, so tests move it by hand.

Limits of this design, on purpose kept simple:

- the window lives in this process's memory: **several gateway replicas each hold their own
  window** (a client spread over N replicas gets up to N times the limit), and a restart
  forgets it. A shared store (e.g. Redis or a database table) would be needed for one exact
  global limit; the failed-login counts in the database (per account, and per unknown
  identifier) are the guard that holds across replicas.
- the client is ``request.client.host``: the TCP peer, or the address a trusted proxy put in
  ``X-Forwarded-For``. Only uvicorn decides which proxies are trusted
  (``HALO_FORWARDED_ALLOW_IPS``, passed by :mod:`gateway.run`); the header is never read
  here directly.
"""

from __future__ import annotations

import math
from collections import deque

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
