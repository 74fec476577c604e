"""Issuing and verifying access tokens.

Verification accepts only ``EdDSA`` with a ``kid`` found in the trusted JWKS, and checks
expiry, issuer and audience: ``alg: none``, HS256 signed with the public key, an unknown
``kid``, an expired token or a foreign audience are all refused. The error never says which
check failed beyond a stable code, and never echoes the token. When the trusted keys cannot
be fetched, the answer is a 503 (:class:`KeysUnavailable`), not a refusal of the token.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from jwt import PyJWK

from shared.auth.keys import KeySet
from shared.auth.verified import VerifiedTokens
from shared.engine.state import Principal
from shared.web.problems import ProblemError

ALGORITHM = "EdDSA"
log = logging.getLogger("halo.auth")


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
SessionCheck = Callable[[str], Awaitable[bool]]
"""Whether the login session (``sid`` claim) of a token is still open."""


class JwksUnavailable(Exception):
    """The JWKS could not be fetched (network, HTTP status, unreadable body)."""


class KeysUnavailable(ProblemError):
    """The trusted keys cannot be fetched right now, so the token cannot be checked: a 503
    (the client retries later), never a 500 and never a claim that the token is bad."""

    def __init__(self) -> None:
        super().__init__(503, "service-unavailable", headers={"Retry-After": "5"},
                         service="verifikasi token")


FETCH_ERRORS = (JwksUnavailable, httpx.HTTPError, OSError, ValueError)


def parse_jwks(jwks: Any) -> dict[str, PyJWK]:
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise ValueError("not a JWKS")
    keys = {}
    for data in jwks["keys"]:
        if (isinstance(data, dict) and data.get("kty") == "OKP"
                and data.get("alg") == ALGORITHM and isinstance(data.get("kid"), str)):
            try:
                keys[data["kid"]] = PyJWK(data, algorithm=ALGORITHM)
            except jwt.PyJWTError:
                log.warning("unusable key in the JWKS skipped")
    return keys


class TokenVerifier:
    """Verifies tokens against a JWKS fetched from ``source``, cached.

    A ``kid`` not in the cache causes a refetch, so tokens of a freshly rotated key work at
    once. Against abuse (random kids) fetches are coalesced: a request waits for a fetch that
    *started after it arrived*, and fetches start at least ``refresh_s`` apart, so the
    source sees at most one fetch per ``refresh_s`` however many requests come. A kid still
    unknown after such a fetch is remembered for ``negative_ttl_s`` (refused without a
    fetch). A failed fetch keeps the last good keys; requests that need the missing keys get
    :class:`KeysUnavailable` (503), and the next attempt waits ``refresh_s`` too.
    """

    def __init__(self, source: JwksSource, settings: TokenSettings, refresh_s: float = 1.0,
                 negative_ttl_s: float = 60.0, max_negative: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._source = source
        self._settings = settings
        self._gap_s = refresh_s
        self._negative_ttl_s = negative_ttl_s
        self._max_negative = max_negative
        self._clock = clock
        self._keys: dict[str, PyJWK] = {}
        self._attempted_at = -math.inf
        """Start of the last fetch attempt (successful or not)."""
        self._failed = False
        self._unknown: dict[str, float] = {}
        self._lock = asyncio.Lock()
        self.accepted_scopes: frozenset[str] = frozenset()
        """Scoped tokens accepted on every route of this verifier (the gateway accepts the
        reporter's, to forward it and to show the reporter their own tracking)."""
        self.verified = VerifiedTokens()
        """Tokens already verified (:mod:`shared.auth.verified`): a repeat skips the
        signature check while its expiry and its key hold."""
        self.session_check: SessionCheck | None = None
        """Set where the sessions are known (the gateway): a token of a closed session (logout,
        reuse of a refresh token, a disabled account) is refused before it expires."""

    async def _refresh(self) -> None:
        started = self._clock()
        keys: dict[str, PyJWK] | None = None
        try:
            keys = parse_jwks(await self._source())
        except FETCH_ERRORS as exc:
            log.warning("JWKS fetch failed", extra={"error": type(exc).__name__})
        finally:
            self._attempted_at, self._failed = started, keys is None
        if keys is not None:
            self._keys = keys

    async def _key(self, kid: str) -> PyJWK:
        key = self._keys.get(kid)
        if key is not None:
            return key
        arrived = self._clock()
        seen = self._unknown.get(kid)
        if seen is not None and arrived - seen < self._negative_ttl_s:
            raise InvalidToken("unknown-kid")
        async with self._lock:
            if self._attempted_at < arrived and kid not in self._keys:
                since = self._clock() - self._attempted_at
                if self._failed and since < self._gap_s:
                    raise KeysUnavailable()
                if since < self._gap_s:
                    await asyncio.sleep(self._gap_s - since)
                await self._refresh()
        key = self._keys.get(kid)
        if key is not None:
            return key
        if self._failed:
            raise KeysUnavailable()
        self._remember_unknown(kid)
        raise InvalidToken("unknown-kid")

    def _remember_unknown(self, kid: str) -> None:
        now = self._clock()
        if len(self._unknown) >= self._max_negative:
            self._unknown = {k: t for k, t in self._unknown.items()
                             if now - t < self._negative_ttl_s}
            for old in list(self._unknown)[:max(0, len(self._unknown) - self._max_negative // 2)]:
                del self._unknown[old]
        self._unknown[kid] = now

    async def _decode(self, token: str) -> dict[str, Any]:
        """Signature and registered claims checked by PyJWT; remembered in :attr:`verified`."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed") from exc
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("algorithm")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise InvalidToken("no-kid")
        key = await self._key(kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key=key, algorithms=[ALGORITHM], audience=self._settings.audience,
                issuer=self._settings.issuer,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]})
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("expired") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(type(exc).__name__) from exc
        self.verified.remember(token, key, kid, claims)
        return claims

    async def verify(self, token: str) -> Principal:
        principal, _ = await self.verify_claims(token)
        return principal

    async def verify_claims(self, token: str, scope: str | None = None
                            ) -> tuple[Principal, dict[str, Any]]:
        """:meth:`verify`, also giving the token's verified claims (a route that needs a
        claim beyond subject and roles, e.g. the phone hash of a no-account reporter).

        A *scoped* token (claim ``scope``, e.g. the one-time-code reporter's
        ``darurat-damkar``) is good only where that scope is accepted: by the routes that
        pass it as ``scope``, or everywhere this verifier serves when it is in
        :attr:`accepted_scopes`. Every other route refuses it as an invalid token."""
        known = self.verified.get(token, self._keys.get)
        claims = known.claims if known is not None else await self._decode(token)
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise InvalidToken("roles")
        granted = claims.get("scope")
        if granted is not None and granted != scope and granted not in self.accepted_scopes:
            raise InvalidToken("scope")
        sid = claims.get("sid")
        if sid is not None and not isinstance(sid, str):
            raise InvalidToken("sid")
        if sid is not None and self.session_check is not None \
                and not await self.session_check(sid):
            raise InvalidToken("session-closed")
        principal = Principal(subject=str(claims["sub"]), roles=frozenset(roles), session=sid)
        return principal, dict(claims)
