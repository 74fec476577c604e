"""What the identity part holds while the gateway runs (``runtime.state["identity"]``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from gateway.identity.nik import nik_hash
from gateway.identity.passwords import Passwords
from gateway.identity.ratelimit import SlidingWindowLimiter
from gateway.identity.sessions import SessionCache
from gateway.identity.settings import IdentitySettings
from gateway.runtime import GatewayRuntime
from shared.cases.pii import PiiCipher

STATE_KEY = "identity"


@dataclass
class IdentityContext:
    settings: IdentitySettings
    passwords: Passwords
    cipher: PiiCipher
    limiter: SlidingWindowLimiter
    clock: Callable[[], datetime]
    access_ttl_s: int
    refresh_ttl_s: int
    sessions: SessionCache
    """Open and closed login sessions, as the token verifier sees them."""

    def nik_hash(self, nik: str) -> str:
        return nik_hash(nik, self.settings.nik_hash_key)

    @classmethod
    def build(cls, runtime: GatewayRuntime, settings: IdentitySettings) -> IdentityContext:
        return cls(settings=settings, passwords=Passwords(settings.argon2),
                   cipher=PiiCipher(settings.pii_key),
                   limiter=SlidingWindowLimiter(settings.rate_limits,
                                                {"login": settings.trusted_login_rate},
                                                settings.trusted_networks),
                   clock=runtime.clock,
                   access_ttl_s=runtime.settings.tokens.access_ttl_s,
                   refresh_ttl_s=runtime.settings.refresh_ttl_s,
                   sessions=SessionCache(runtime, runtime.settings.tokens.access_ttl_s + 60.0))


def context_of(runtime: GatewayRuntime) -> IdentityContext:
    """The context built at start; built from the environment if the part did not start
    (e.g. a script seeding demo accounts against a runtime of its own)."""
    ctx = runtime.state.get(STATE_KEY)
    if ctx is None:
        ctx = IdentityContext.build(runtime, IdentitySettings.from_env())
        runtime.state[STATE_KEY] = ctx
    assert isinstance(ctx, IdentityContext)
    return ctx
