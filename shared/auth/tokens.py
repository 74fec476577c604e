"""Issuing and verifying access tokens.

Verification accepts only ``EdDSA`` with a ``kid`` found in the trusted JWKS, and checks
expiry, issuer and audience: ``alg: none``, HS256 signed with the public key, an unknown
``kid``, an expired token or a foreign audience are all refused. The error never says which
check failed beyond a stable code, and never echoes the token.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import jwt
from jwt import PyJWK

from shared.auth.keys import KeySet
from shared.engine.state import Principal

ALGORITHM = "EdDSA"


@dataclass(frozen=True)
class TokenSettings:
    issuer: str = "halo-lamsel"
    audience: str = "halo-lamsel-api"
    access_ttl_s: int = 900


class InvalidToken(Exception):
    """The token is not acceptable; ``reason`` is for logs only, never sent to the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TokenIssuer:
    def __init__(self, keys: KeySet, settings: TokenSettings) -> None:
        self.keys = keys
        self.settings = settings

    def issue(self, subject: str, roles: list[str], kind: str, ttl_s: int | None = None,
              extra: dict[str, Any] | None = None) -> str:
        now = int(time.time())
        claims = {"iss": self.settings.issuer, "aud": self.settings.audience, "sub": subject,
                  "iat": now, "nbf": now, "exp": now + (ttl_s or self.settings.access_ttl_s),
                  "jti": uuid.uuid4().hex, "roles": sorted(roles), "kind": kind,
                  **(extra or {})}
        key = self.keys.active
        return jwt.encode(claims, key.private, algorithm=ALGORITHM, headers={"kid": key.kid})


JwksSource = Callable[[], Awaitable[dict[str, Any]]]


class TokenVerifier:
    """Verifies tokens against a JWKS fetched from ``source`` (cached; refreshed on an
    unknown ``kid`` at most every ``refresh_s`` seconds)."""

    def __init__(self, source: JwksSource, settings: TokenSettings, refresh_s: float = 30.0
                 ) -> None:
        self._source = source
        self._settings = settings
        self._refresh_s = refresh_s
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at = 0.0

    async def _refresh(self) -> None:
        jwks = await self._source()
        keys = {}
        for data in jwks.get("keys", []):
            if data.get("kty") == "OKP" and data.get("alg") == ALGORITHM and data.get("kid"):
                keys[data["kid"]] = PyJWK(data, algorithm=ALGORITHM)
        self._keys = keys
        self._fetched_at = time.monotonic()

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed") from exc
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("algorithm")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise InvalidToken("no-kid")
        if kid not in self._keys and time.monotonic() - self._fetched_at > self._refresh_s:
            await self._refresh()
        key = self._keys.get(kid)
        if key is None:
            raise InvalidToken("unknown-kid")
        try:
            claims = jwt.decode(token, key=key, algorithms=[ALGORITHM],
                                audience=self._settings.audience, issuer=self._settings.issuer,
                                options={"require": ["exp", "iat", "sub", "iss", "aud"]})
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("expired") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(type(exc).__name__) from exc
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise InvalidToken("roles")
        return Principal(subject=str(claims["sub"]), roles=frozenset(roles))
