"""The counter's look-up of a citizen account, and the check of ``on_behalf_of``.

An officer at the counter submits for a citizen (assisted submission, ``on_behalf_of``); the
officer's client finds the citizen's account id here, by NIK (through the keyed hash that
login uses), WhatsApp number or e-mail. Only counter officers may: those holding a role of
:data:`shared.engine.access.ASSIST_ROLES` in an agency, the roles the services accept for
``on_behalf_of``. Each look-up, found or not, is an ``identity_audit`` row
``citizen.lookup`` naming who, when and the kind of key (never the key); the account found is
its target. At most ``HALO_LOOKUP_RATE`` look-ups per officer account (default 30 per 600 s),
counted in those rows so every replica sees one count. The answer holds masked values only.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.identity import store
from gateway.identity.context import IdentityContext
from gateway.identity.errors import refusal
from gateway.identity.fields import Problems, normalize_email, normalize_phone
from gateway.identity.nik import clean
from gateway.identity.schemas_lookup import CitizenFound, CitizenLookup
from gateway.runtime import GatewayRuntime
from shared.cases.pii import mask
from shared.engine.access import ASSIST_ROLES
from shared.engine.state import Principal
from shared.web.problems import ProblemError

LOOKUP_ACTION = "citizen.lookup"


def is_counter_officer(who: Principal) -> bool:
    """Whether ``who`` holds an assisting role (front office, operator, staf) of an agency."""
    return any(r.split(":", 1)[1] in ASSIST_ROLES for r in who.roles if ":" in r)


def _key(ctx: IdentityContext, body: CitizenLookup) -> tuple[str, str, str]:
    """(kind of key, account column, normalised value); 422 unless exactly one is valid."""
    problems = Problems()
    given = [(k, v) for k, v in (("nik", body.nik), ("phone", body.phone),
                                 ("email", body.email)) if v is not None and v.strip()]
    if len(given) != 1:
        problems.add("body", "lookup-one-key")
        problems.raise_if_any()
    kind, raw = given[0]
    if kind == "nik":
        digits = clean(raw)
        if len(digits) != 16 or not (digits.isascii() and digits.isdigit()):
            problems.add("nik", "nik-format")
        problems.raise_if_any()
        return kind, "nik_hash", ctx.nik_hash(digits)
    value = normalize_phone(raw) if kind == "phone" else normalize_email(raw)
    if value is None:
        problems.add(kind, f"{kind}-format")
    problems.raise_if_any()
    assert value is not None
    return kind, kind, value


async def lookup(session: AsyncSession, ctx: IdentityContext, who: Principal,
                 body: CitizenLookup) -> CitizenFound:
    """The active citizen account the key names (see the module), or 404 (kept: the miss
    is audited too)."""
    if not is_counter_officer(who):
        raise ProblemError(403, "lookup-not-permitted", roles=", ".join(ASSIST_ROLES))
    now = ctx.clock()
    limit = ctx.settings.lookup_rate
    window = timedelta(seconds=limit.window_s)
    recent = await store.action_times(session, who.subject, LOOKUP_ACTION, now - window)
    if len(recent) >= limit.count:
        wait = (recent[-limit.count] + window - now).total_seconds()
        raise refusal(429, "rate-limited", max(1, math.ceil(wait)))
    kind, column, value = _key(ctx, body)
    row = await store.find_active_citizen(session, column, value)
    store.audit(session, now, who.subject, LOOKUP_ACTION, row.id if row else None, key=kind,
                found=row is not None)
    if row is None:
        raise refusal(404, "citizen-not-found", keep=True)
    nik = ctx.cipher.decrypt(row.nik_cipher) if row.nik_cipher else None
    return CitizenFound(account_id=row.id, name_masked=mask(row.name),
                        nik_masked=mask(nik) if nik else None,
                        phone_masked=mask(row.phone) if row.phone else None)


def citizen_check(runtime: GatewayRuntime) -> Callable[[str], Awaitable[bool]]:
    """``account_id -> whether it names an active citizen account``, for the routing part's
    check of ``on_behalf_of`` (``runtime.state["active_citizen"]``)."""

    async def active(account_id: str) -> bool:
        async with runtime.sessions() as session:
            return await store.is_active_citizen(session, account_id)

    return active
