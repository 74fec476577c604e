"""Token pairs: a short-lived access JWT and a rotating, revocable refresh token.

A refresh token is 256 random bits (``hlr_`` + base64url), shown once and stored only as its
SHA-256 hash. Every login opens a *family*; each use of a refresh token spends it and issues
the next one in the same family. Presenting a spent token again means it was copied: the
whole family is revoked (the thief's and the owner's sessions alike) and the owner logs in
again. Logout revokes the family. Disabling an account revokes all of its families. An access
token names its family (``sid``), and the gateway refuses the tokens of a revoked family at
once, on every route it serves and forwards (:mod:`gateway.identity.sessions`; other gateway
replicas within a few seconds), not only when they expire.

Every revocation is audited with the account and family ids only (never a token):
``session.logout`` (actor: the account), ``session.reuse-revoked`` and
``session.disabled-revoked`` (a refresh presented for a disabled account; actor ``system``).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.identity import store
from gateway.identity.context import IdentityContext
from gateway.identity.errors import refusal
from gateway.identity.metrics import REFRESH_REUSE
from gateway.identity.schemas import TokenPair
from gateway.identity.tables import AccountRow
from gateway.runtime import GatewayRuntime

log = logging.getLogger("halo.identity")
PREFIX = "hlr_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_refresh_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


async def _issue(session: AsyncSession, runtime: GatewayRuntime, ctx: IdentityContext,
                 account: AccountRow, family_id: str) -> TokenPair:
    now = ctx.clock()
    refresh = _new_refresh_token()
    await store.add_refresh_token(session, hash_token(refresh), family_id, now,
                                  now + timedelta(seconds=ctx.refresh_ttl_s))
    access = runtime.issuer.issue(account.id, list(account.roles), account.kind,
                                  extra={"sid": family_id})
    return TokenPair(access_token=access, expires_in=ctx.access_ttl_s, refresh_token=refresh,
                     refresh_expires_in=ctx.refresh_ttl_s)


async def open_session(session: AsyncSession, runtime: GatewayRuntime, ctx: IdentityContext,
                       account: AccountRow) -> TokenPair:
    """A new family and its first token pair (after a successful login)."""
    family = await store.new_family(session, str(uuid.uuid4()), account.id, ctx.clock())
    return await _issue(session, runtime, ctx, account, family.id)


async def rotate(session: AsyncSession, runtime: GatewayRuntime, ctx: IdentityContext,
                 refresh_token: str) -> TokenPair:
    """Spend ``refresh_token`` and issue the next pair of its family.

    Every refusal is the same 401 ``refresh-invalid``; a reuse also revokes the family,
    and that revocation is committed although the request fails.
    """
    now = ctx.clock()
    row = await store.find_refresh_token(session, hash_token(refresh_token))
    if row is None:
        raise refusal(401, "refresh-invalid")
    family = await store.get_family(session, row.family_id)
    if family is None or family.revoked_at is not None:
        raise refusal(401, "refresh-invalid")
    assert row.id is not None
    if row.used_at is None and row.expires_at <= now:
        raise refusal(401, "refresh-invalid")
    if row.used_at is not None or not await store.spend_refresh_token(session, row.id, now):
        await store.revoke_family(session, family.id, now, "reuse")
        ctx.sessions.closed(family.id)
        store.audit(session, now, "system", "session.reuse-revoked", family.account_id,
                    family_id=family.id)
        REFRESH_REUSE.inc()
        log.warning("refresh token reuse; family revoked",
                    extra={"account_id": family.account_id, "family_id": family.id})
        raise refusal(401, "refresh-invalid", keep=True)
    account = await store.get_account(session, family.account_id)
    if account is None or account.status != "active":
        if await store.revoke_family(session, family.id, now, "disabled"):
            ctx.sessions.closed(family.id)
            store.audit(session, now, "system", "session.disabled-revoked", family.account_id,
                        family_id=family.id)
            log.info("refresh of a disabled account; family revoked",
                     extra={"account_id": family.account_id, "family_id": family.id})
        raise refusal(401, "refresh-invalid", keep=True)
    return await _issue(session, runtime, ctx, account, family.id)


async def close_session(session: AsyncSession, ctx: IdentityContext, refresh_token: str
                        ) -> None:
    """Logout: revoke the token's family. Unknown or already revoked tokens are ignored, so
    logout is idempotent and says nothing about the token."""
    row = await store.find_refresh_token(session, hash_token(refresh_token))
    if row is None:
        return
    family = await store.get_family(session, row.family_id)
    now = ctx.clock()
    if family is not None and await store.revoke_family(session, family.id, now, "logout"):
        ctx.sessions.closed(family.id)
        store.audit(session, now, family.account_id, "session.logout", family.account_id,
                    family_id=family.id)
        log.info("session closed", extra={"account_id": family.account_id,
                                          "family_id": family.id})
