"""Asking for a one-time code and exchanging it for a reporter's access token.

- :func:`request_code`: the number is normalised (``08…``, ``628…``, ``+628…``), counted
  against its limits (per number, per client address; the counts are rows of the gateway
  database), any open code of the number is voided, a new 6-digit code is stored as an HMAC
  and sent through :mod:`gateway.otp.sender`.
- :func:`verify_code`: the newest open code of the number; a wrong code counts an attempt
  (the count is committed although the request fails) and the code is void after
  ``max_attempts``; an expired code is void. The right code is spent once and answers an
  access token for a principal with the single role ``pelapor-darurat``: its subject is an
  opaque keyed hash of the number (the same number gets the same subject, so the reporter
  finds their report again), the claim ``phone_sha256`` lets the service that takes the
  report check the number given with it, ``scope`` (the purpose) makes it a scoped token
  that every service route refuses except the ones of that purpose
  (:meth:`shared.auth.tokens.TokenVerifier.verify_claims`), and ``addr`` (a keyed hash of
  the client address that confirmed the code) lets it limit reports per address: the
  gateway does not forward the client's address to the services. The number is never
  logged, stored in clear or put in an error.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.identity.errors import refusal
from gateway.identity.fields import FieldProblem, InvalidFields, normalize_phone
from gateway.otp import store
from gateway.otp.sender import code_channel, send_code
from gateway.otp.settings import REPORTER_ROLE, OtpSettings
from gateway.otp.tables import OtpCodeRow
from gateway.runtime import GatewayRuntime
from shared.settings import RateLimit
from shared.web.problems import ProblemError

log = logging.getLogger("halo.otp")
CODE_DIGITS = 6


@dataclass(frozen=True)
class OtpContext:
    settings: OtpSettings
    key: bytes
    """The gateway's secret for the code HMAC, the subject and the address keys."""

    def keyed(self, label: str, value: str) -> str:
        return hmac.new(self.key, f"{label}:{value}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Issued:
    access_token: str
    expires_in: int


def phone_sha256(phone: str) -> str:
    """The claim the reporter's token carries: SHA-256 of the normalised ``+628…`` number."""
    return hashlib.sha256(phone.encode()).hexdigest()


def normalised(raw: str) -> str:
    phone = normalize_phone(raw)
    if phone is None:
        raise InvalidFields([FieldProblem("telepon", "phone-format")])
    return phone


async def _count(session: AsyncSession, scope: str, key: str, limit: RateLimit,
                 now: datetime) -> None:
    """Count one request of ``key``; 429 with ``Retry-After`` beyond ``limit``."""
    count, oldest = await store.hits_since(session, scope, key,
                                           now - timedelta(seconds=limit.window_s))
    if count >= limit.count and oldest is not None:
        wait = (oldest + timedelta(seconds=limit.window_s) - now).total_seconds()
        raise refusal(429, "otp-rate-limited", max(1, int(wait + 0.999)))
    store.add_hit(session, scope, key, now)


async def request_code(session: AsyncSession, runtime: GatewayRuntime, ctx: OtpContext,
                       raw_phone: str, purpose: str, client: str) -> int:
    """Send a new code to the number; returns its lifetime in seconds."""
    phone = normalised(raw_phone)
    conf = ctx.settings
    now = runtime.clock()
    await store.forget_hits(session, now - timedelta(seconds=max(
        conf.per_number.window_s, conf.per_address.window_s, conf.verify_per_address.window_s)))
    await _count(session, "address", ctx.keyed("address", client), conf.per_address, now)
    number = phone_sha256(phone)
    await _count(session, "number", number, conf.per_number, now)
    channel = code_channel(runtime)
    if channel is None:
        raise ProblemError(503, "otp-channel-unavailable", headers={"Retry-After": "60"})
    await store.void_open_codes(session, number, purpose, now)
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    row = OtpCodeRow(id=str(uuid.uuid4()), phone_hash=number, purpose=purpose,
                     code_hash=ctx.keyed("code", code), created_at=now,
                     expires_at=now + timedelta(seconds=conf.ttl_s))
    session.add(row)
    await session.flush()
    if not await send_code(channel, phone, code, conf.ttl_s):
        log.warning("one-time code not delivered", extra={"channel": channel.name,
                                                          "otp_id": row.id})
        raise ProblemError(503, "otp-send-failed", headers={"Retry-After": "30"})
    log.info("one-time code sent", extra={"channel": channel.name, "otp_id": row.id,
                                          "purpose": purpose})
    return conf.ttl_s


async def verify_code(session: AsyncSession, runtime: GatewayRuntime, ctx: OtpContext,
                      raw_phone: str, code: str, purpose: str, client: str) -> Issued:
    phone = normalised(raw_phone)
    conf = ctx.settings
    now = runtime.clock()
    await _count(session, "verify-address", ctx.keyed("address", client),
                 conf.verify_per_address, now)
    row = await store.latest_open(session, phone_sha256(phone), purpose)
    if row is None:
        raise refusal(400, "otp-invalid", keep=True)
    if row.expires_at <= now:
        row.voided_at = now
        raise refusal(400, "otp-expired", keep=True)
    if not hmac.compare_digest(row.code_hash, ctx.keyed("code", code)):
        row.attempts += 1
        if row.attempts >= conf.max_attempts:
            row.voided_at = now
            log.info("one-time code void after wrong attempts", extra={"otp_id": row.id})
            raise refusal(400, "otp-void", keep=True)
        raise refusal(400, "otp-wrong", keep=True, left=conf.max_attempts - row.attempts)
    row.used_at = now
    subject = "pd-" + ctx.keyed("reporter", phone)[:32]
    token = runtime.issuer.issue(subject, [REPORTER_ROLE], "reporter", ttl_s=conf.token_ttl_s,
                                 extra={"phone_sha256": phone_sha256(phone),
                                        "addr": ctx.keyed("address", client)[:32],
                                        "scope": purpose})
    log.info("one-time code verified", extra={"otp_id": row.id, "purpose": purpose})
    return Issued(access_token=token, expires_in=conf.token_ttl_s)
