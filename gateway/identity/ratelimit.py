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
- known office networks (``HALO_LOGIN_TRUSTED_NETWORKS``: a shared counter PC, an
  integration host) get a higher limit of their own (``HALO_LOGIN_TRUSTED_RATE``) on the
  routes given one; each address in them still has its own window. Whether an address is in
  such a network is decided on the same client address, so a spoofed ``X-Forwarded-For``
  from a peer that is not a trusted proxy never reaches it.
"""

from __future__ import annotations

import ipaddress
import math
from collections import deque
from collections.abc import Iterable

from gateway.identity.settings import IPNetwork, RateLimit

MAX_KEYS = 100_000
"""Above this many tracked clients, idle ones are dropped first (memory bound)."""


class SlidingWindowLimiter:
    def __init__(self, limits: dict[str, RateLimit], trusted: dict[str, RateLimit] | None = None,
                 networks: Iterable[IPNetwork] = ()) -> None:
        self.limits = dict(limits)
        self.trusted = dict(trusted or {})
        """Per route: the limit of an address inside one of ``networks``."""
        self.networks = tuple(networks)
        self._hits: dict[tuple[str, str], deque[float]] = {}

    def is_trusted(self, client: str) -> bool:
        """Whether ``client`` (an IP address; anything else is not) is in a trusted network."""
        if not self.networks:
            return False
        try:
            address = ipaddress.ip_address(client)
        except ValueError:
            return False
        return any(address.version == net.version and address in net for net in self.networks)

    def limit_for(self, route: str, client: str) -> RateLimit | None:
        """The limit ``client`` has on ``route`` (None: unlimited)."""
        trusted = self.trusted.get(route)
        if trusted is not None and self.is_trusted(client):
            return trusted
        return self.limits.get(route)

    def hit(self, route: str, client: str, now: float) -> int | None:
        """Count one request; None when allowed, else the seconds to wait (≥ 1)."""
        limit = self.limit_for(route, client)
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
            limit = self.limit_for(*key)
            if not hits or limit is None or hits[-1] <= now - limit.window_s:
                del self._hits[key]
        while len(self._hits) >= MAX_KEYS:
            del self._hits[next(iter(self._hits))]
