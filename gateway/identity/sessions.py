"""Whether a login session (refresh-token family) is still open, for the token verifier.

The gateway asks on every request that carries an access token with a ``sid``. Answers are
kept briefly: an open session for :data:`OPEN_TTL_S` seconds (so a revocation on another
replica takes effect within that), a closed one for as long as its tokens can live (a
revocation is final). A revocation on this replica is known at once (:meth:`closed`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import select
from sqlmodel import col

from gateway.identity.tables import TokenFamilyRow
from gateway.runtime import GatewayRuntime

OPEN_TTL_S = 5.0
MAX_ENTRIES = 100_000


class SessionCache:
    def __init__(self, runtime: GatewayRuntime, closed_ttl_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._runtime = runtime
        self._closed_ttl_s = closed_ttl_s
        self._clock = clock
        self._seen: dict[str, tuple[bool, float]] = {}

    async def is_open(self, sid: str) -> bool:
        now = self._clock()
        seen = self._seen.get(sid)
        if seen is not None:
            is_open, until = seen
            if now < until:
                return is_open
        async with self._runtime.sessions() as session:
            row = (await session.execute(select(col(TokenFamilyRow.revoked_at)).where(
                col(TokenFamilyRow.id) == sid))).first()
        is_open = row is not None and row[0] is None
        if len(self._seen) >= MAX_ENTRIES:
            self._seen = {k: v for k, v in self._seen.items() if v[1] > now}
            if len(self._seen) >= MAX_ENTRIES:
                self._seen.clear()
        self._seen[sid] = (is_open, now + (OPEN_TTL_S if is_open else self._closed_ttl_s))
        return is_open

    def closed(self, sid: str) -> None:
        """This replica just revoked ``sid``: refuse its tokens from now on."""
        self._seen[sid] = (False, self._clock() + self._closed_ttl_s)
