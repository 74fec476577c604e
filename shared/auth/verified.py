"""Tokens whose signature and claims were already verified, so a repeat skips the EdDSA check.

An officer's access token comes with every request of its lifetime: verifying its signature
each time (base64, JSON, Ed25519) is a large share of a request's CPU (issue 12). A token
verified once is remembered with the key that verified it and its expiry. A repeat is
accepted from here only while

* its ``exp`` has not passed (checked on each use, on the wall clock as PyJWT checks it), and
* the verifier still holds that same key object for its ``kid`` (a JWKS refresh that drops
  or replaces the key ends every remembered token of it).

Everything that can change while a token lives is still checked on every request by the
verifier (scope, and the session of a token with ``sid``: logout). Only well-formed tokens
that passed are remembered, at most ``capacity`` of them (the oldest forgotten first), so
random garbage cannot grow it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Verified:
    key: object
    """The key object that verified the signature."""
    kid: str
    expires: float
    claims: dict[str, Any]


class VerifiedTokens:
    def __init__(self, capacity: int = 20_000,
                 clock: Callable[[], float] = time.time) -> None:
        self.capacity = capacity
        self._clock = clock
        self._seen: dict[str, Verified] = {}

    def get(self, token: str, current_key: Callable[[str], object | None]) -> Verified | None:
        """The remembered verification of ``token`` if it still holds (see the module)."""
        found = self._seen.get(token)
        if found is None:
            return None
        if found.expires <= self._clock() or current_key(found.kid) is not found.key:
            del self._seen[token]
            return None
        return found

    def remember(self, token: str, key: object, kid: str, claims: dict[str, Any]) -> None:
        exp = claims.get("exp")
        if not isinstance(exp, int | float):
            return
        if len(self._seen) >= self.capacity:
            for old in list(self._seen)[: max(1, self.capacity // 10)]:
                del self._seen[old]
        self._seen[token] = Verified(key, kid, float(exp), claims)

    def __len__(self) -> int:
        return len(self._seen)
