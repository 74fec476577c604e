"""A test key set and issuer, verified through the same code the services use."""

from __future__ import annotations

from typing import Any

from shared.auth.keys import KeySet, new_key
from shared.auth.tokens import TokenIssuer, TokenSettings, TokenVerifier

SETTINGS = TokenSettings(access_ttl_s=8 * 3600)
"""As in production but for the lifetime: many test modules mint their tokens once, at import
(module constants), so the tokens must outlive a whole run of the suite (over 15 minutes, the
production lifetime, on this machine); expiry itself is tested with the gateway's own settings
and clock (tests/gateway/identity)."""


class TestTokens:
    __test__ = False

    def __init__(self) -> None:
        self.keys = KeySet([new_key()])
        self.issuer = TokenIssuer(self.keys, SETTINGS)

    async def jwks(self) -> dict[str, Any]:
        return self.keys.jwks()

    def verifier(self) -> TokenVerifier:
        return TokenVerifier(self.jwks, SETTINGS)

    def token(self, subject: str, *roles: str) -> str:
        kind = "citizen" if "citizen" in roles else "officer"
        return self.issuer.issue(subject, list(roles), kind)

    def headers(self, subject: str, *roles: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(subject, *roles)}"}
