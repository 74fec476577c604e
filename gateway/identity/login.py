"""Login by NIK, e-mail or WhatsApp number, with a progressive slow-down and a lockout.

The server never sleeps: a refusal window is stored on the account (``locked_until``) and
attempts inside it are refused at once with ``Retry-After``, before the password is checked.
With the default :class:`~gateway.identity.settings.LoginPolicy`:

- failures 1–2: ``401 login-failed``;
- failure 3: 401 and a 5 s window; failure 4: 401 and a 10 s window (attempts inside a
  window: ``429 login-slowed``);
- failure 5: the account is locked for 15 minutes (``423 account-locked``, audited);
- a success resets the count; failures older than 15 minutes are forgotten; a served lock
  starts a clean count.

A login identifier that names no account is treated the same way, so the answers never tell
whether a NIK, e-mail or phone number is registered: it costs the same Argon2 work, and its
failures are counted (under a keyed hash of the normalised identifier, in the gateway
database's ``identity_login_failures``, so every replica sees one count, as it sees an
account's) with the same slow-down and lock, status codes and ``Retry-After``. Only a
registered account's lock is audited.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.identity import store
from gateway.identity.context import IdentityContext
from gateway.identity.errors import refusal
from gateway.identity.fields import Problems, normalize_email, normalize_phone, required
from gateway.identity.metrics import LOGINS
from gateway.identity.nik import clean
from gateway.identity.schemas import LoginForm, TokenPair
from gateway.identity.settings import LoginPolicy
from gateway.identity.tables import AccountRow, LoginFailureRow
from gateway.identity.tokens import open_session
from gateway.runtime import GatewayRuntime

log = logging.getLogger("halo.identity")
Counted = AccountRow | LoginFailureRow
"""Whatever carries a failure count: an account, or an identifier that names no account."""


def identifier_key(secret: bytes, column: str, value: str) -> str:
    """The keyed hash under which an unknown identifier's failures are counted."""
    return hmac.new(secret, f"login-failures:{column}:{value}".encode(),
                    hashlib.sha256).hexdigest()


def identify(ctx: IdentityContext, login: str) -> tuple[str, str] | None:
    """The account column and value ``login`` names: e-mail, NIK (16 digits) or phone."""
    text = login.strip()
    if "@" in text:
        email = normalize_email(text)
        return ("email", email) if email else None
    digits = clean(text)
    if len(digits) == 16 and digits.isascii() and digits.isdigit():
        return "nik_hash", ctx.nik_hash(digits)
    phone = normalize_phone(text)
    return ("phone", phone) if phone else None


def forget_served(account: Counted, now: datetime, policy: LoginPolicy) -> None:
    """Clear a served lock and failures older than the window."""
    if account.locked_until is not None and account.locked_until > now:
        return
    old = account.last_failed_at is not None and \
        now - account.last_failed_at >= timedelta(seconds=policy.failure_window_s)
    if account.failed_logins >= policy.lock_after or old:
        account.failed_logins = 0
        account.last_failed_at = None
    account.locked_until = None


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


async def login(session: AsyncSession, runtime: GatewayRuntime, ctx: IdentityContext,
                form: LoginForm) -> TokenPair:
    problems = Problems()
    for name in sorted(form.model_extra or {}):
        problems.add(name, "not-allowed")
    text, password = required(form.login), form.password
    target = identify(ctx, text) if text else None
    if text is None:
        problems.add("login", "required")
    elif target is None:
        problems.add("login", "login-format")
    if not password:
        problems.add("password", "required")
    problems.raise_if_any()
    assert target is not None and password
    policy = ctx.settings.login
    account = await store.find_by(session, target[0], target[1], lock=True)
    now = ctx.clock()
    if account is None:
        await _unknown(session, ctx, target, password, now)
    forget_served(account, now, policy)
    _refuse_inside_window(account, now, policy)
    if not await ctx.passwords.verify(account.password_hash, password):
        _failed(session, account, now, policy)
    if account.status != "active":
        LOGINS.labels("disabled").inc()
        raise refusal(403, "account-disabled")
    account.failed_logins = 0
    account.last_failed_at = None
    if ctx.passwords.needs_rehash(account.password_hash):
        account.password_hash = await ctx.passwords.hash(password)
    LOGINS.labels("success").inc()
    log.info("login", extra={"account_id": account.id, "kind": account.kind})
    return await open_session(session, runtime, ctx, account)


async def _unknown(session: AsyncSession, ctx: IdentityContext, target: tuple[str, str],
                   password: str, now: datetime) -> NoReturn:
    """A login naming no account: the same checks, cost and answers as a wrong password."""
    policy = ctx.settings.login
    key = identifier_key(ctx.settings.nik_hash_key, *target)
    forget_before = now - timedelta(seconds=policy.failure_window_s)
    counted = await store.login_failures(session, key, now, forget_before)
    forget_served(counted, now, policy)
    _refuse_inside_window(counted, now, policy)
    await ctx.passwords.verify_nothing(password)
    _failed(session, counted, now, policy)


def _refuse_inside_window(counted: Counted, now: datetime, policy: LoginPolicy) -> None:
    """Refuse at once (429, or 423 when locked) while a refusal window is open."""
    if counted.locked_until is None:
        return
    locked = counted.failed_logins >= policy.lock_after
    LOGINS.labels("locked" if locked else "slowed").inc()
    raise refusal(423 if locked else 429, "account-locked" if locked else "login-slowed",
                  _seconds_until(counted.locked_until, now))


def _failed(session: AsyncSession, counted: Counted, now: datetime,
            policy: LoginPolicy) -> NoReturn:
    """Count the failure, open the refusal window, refuse (the count is committed with the
    refusal; only a registered account's lock is audited)."""
    counted.failed_logins += 1
    counted.last_failed_at = now
    delay = policy.delay_s(counted.failed_logins)
    counted.locked_until = now + timedelta(seconds=delay) if delay else None
    account_id = counted.id if isinstance(counted, AccountRow) else None
    log.info("login failed", extra={"account_id": account_id,
                                    "failures": counted.failed_logins})
    if counted.failed_logins >= policy.lock_after:
        LOGINS.labels("locked").inc()
        if account_id is not None:
            store.audit(session, now, "system", "account.locked", account_id,
                        failures=counted.failed_logins, seconds=delay)
        raise refusal(423, "account-locked", delay, keep=True)
    LOGINS.labels("failed").inc()
    raise refusal(401, "login-failed", delay or None, keep=True)
