"""Accounts: citizen registration, agency admins and officers, disabling, the profile.

Functions take the request's session and never commit. Every account change writes an
``identity_audit`` row (ids, kinds and roles only). Field problems are raised together as
:class:`~gateway.identity.fields.InvalidFields`; a duplicate NIK, e-mail or phone is one
409 that does not say which field or which account.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.identity import store
from gateway.identity.context import IdentityContext
from gateway.identity.fields import Problems, check_contact, required
from gateway.identity.nik import NikError, clean, mask_nik, parse_nik
from gateway.identity.passwords import MAX_LENGTH, MIN_LENGTH, check_password
from gateway.identity.schemas import (
    AgencyAdminForm,
    OfficerForm,
    Profile,
    RegisterForm,
    RolesForm,
)
from gateway.identity.tables import AccountRow
from shared.engine.access import INTEGRATION_ROLE
from shared.engine.state import Principal
from shared.registry import load_registry
from shared.web.problems import ProblemError

log = logging.getLogger("halo.identity")
JAKARTA = ZoneInfo("Asia/Jakarta")


def today(ctx: IdentityContext) -> date:
    return ctx.clock().astimezone(JAKARTA).date()


def _refuse_extra(problems: Problems,
                  form: RegisterForm | AgencyAdminForm | OfficerForm | RolesForm) -> None:
    for name in sorted(form.model_extra or {}):
        problems.add(name, "not-allowed")


def _check_password(problems: Problems, password: str | None, *, nik: str | None,
                    email: str, phone: str | None) -> str:
    if not password:
        problems.add("password", "required")
        return ""
    for code in check_password(password, nik=nik, email=email or None, phone=phone):
        problems.add("password", code, min=MIN_LENGTH, max=MAX_LENGTH)
    return password


async def _insert(session: AsyncSession, row: AccountRow) -> AccountRow:
    """Insert a new account or refuse with the generic 409 (also on a concurrent insert:
    the unique constraints decide, and the failed transaction is never committed)."""
    if await store.any_taken(session, email=row.email, phone=row.phone, nik_hash=row.nik_hash):
        raise ProblemError(409, "account-exists")
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:
        raise ProblemError(409, "account-exists") from None
    return row


def _new_row(ctx: IdentityContext, *, kind: str, name: str, email: str, phone: str | None,
             password_hash: str, roles: list[str], created_by: str, agency: str | None = None,
             nik: str | None = None) -> AccountRow:
    now = ctx.clock()
    return AccountRow(
        id=str(uuid.uuid4()), kind=kind, name=name, email=email, phone=phone,
        nik_hash=ctx.nik_hash(nik) if nik else None,
        nik_cipher=ctx.cipher.encrypt(nik) if nik else None, password_hash=password_hash,
        roles=sorted(roles), agency=agency, status="active", failed_logins=0,
        created_by=created_by, created_at=now, updated_at=now)


async def register(session: AsyncSession, ctx: IdentityContext, form: RegisterForm
                   ) -> AccountRow:
    """A citizen registers with NIK, name, e-mail, WhatsApp number and a password."""
    problems = Problems()
    _refuse_extra(problems, form)
    nik = required(form.nik)
    if nik is None:
        problems.add("nik", "required")
    else:
        nik = clean(nik)
        try:
            parse_nik(nik, today(ctx))
        except NikError as exc:
            for code in exc.problems:
                problems.add("nik", code)
    name, email, phone = check_contact(problems, form.name, form.email, form.phone)
    password = _check_password(problems, form.password, nik=nik, email=email, phone=phone)
    problems.raise_if_any()
    assert nik is not None
    row = _new_row(ctx, kind="citizen", name=name, email=email, phone=phone, nik=nik,
                   password_hash=await ctx.passwords.hash(password), roles=["citizen"],
                   created_by="self")
    row.created_by = row.id
    await _insert(session, row)
    store.audit(session, row.created_at, row.id, "account.registered", row.id, kind="citizen")
    log.info("citizen registered", extra={"account_id": row.id})
    return row


async def create_agency_admin(session: AsyncSession, ctx: IdentityContext, actor: Principal,
                              form: AgencyAdminForm) -> AccountRow:
    """A platform admin creates an agency's administrator (role ``<agency>:admin``)."""
    if not actor.is_admin:
        raise ProblemError(403, "forbidden")
    problems = Problems()
    _refuse_extra(problems, form)
    agency = required(form.agency)
    if agency is None:
        problems.add("agency", "required")
    elif agency not in load_registry().agencies:
        problems.add("agency", "agency-unknown")
    name, email, phone = check_contact(problems, form.name, form.email, form.phone)
    password = _check_password(problems, form.password, nik=None, email=email, phone=phone)
    problems.raise_if_any()
    assert agency is not None
    row = _new_row(ctx, kind="admin", name=name, email=email, phone=phone,
                   password_hash=await ctx.passwords.hash(password),
                   roles=[f"{agency}:admin"], created_by=actor.subject, agency=agency)
    await _insert(session, row)
    store.audit(session, row.created_at, actor.subject, "account.created", row.id,
                kind=row.kind, agency=agency, roles=row.roles)
    log.info("agency admin created", extra={"account_id": row.id, "agency": agency})
    return row


ADMIN_ROLE = "admin"


def officer_roles(agency: str) -> tuple[str, ...]:
    """The roles an agency's admin may give: the roles the registry lists for the agency (the
    roles its SOPs name, ``roles`` and ``local_roles`` of ``shared/registry/agencies``) and
    ``integrasi`` (system accounts). Never ``admin``: agency admins are created by the
    platform admin only (:func:`create_agency_admin`)."""
    return tuple(r for r in load_registry().agency_roles(agency) if r != ADMIN_ROLE)


def may_manage(actor: Principal, agency: str) -> bool:
    """A platform admin, or the agency's own administrator."""
    return actor.is_admin or actor.has(agency, "admin")


def is_agency_admin(row: AccountRow) -> bool:
    """Whether ``row`` is an agency's administrator (kind ``admin`` or an ``<x>:admin`` role)."""
    return row.kind == "admin" or any(r.split(":", 1)[-1] == ADMIN_ROLE for r in row.roles)


def _refuse_admin_target(actor: Principal, row: AccountRow) -> None:
    """Only the platform admin manages agency admins: an agency admin manages officers and
    system accounts of its agency, never an admin (its own agency's or another's)."""
    if is_agency_admin(row) and not actor.is_admin:
        log.warning("agency admin refused on an admin account",
                    extra={"actor": actor.subject, "account_id": row.id})
        raise ProblemError(403, "admin-account-forbidden")


def _kind_for(roles: list[str]) -> str:
    bare = {r.split(":", 1)[1] for r in roles}
    return "system" if bare == {INTEGRATION_ROLE} else "officer"


def _refuse_admin_role(actor: Principal, agency: str, roles: list[str]) -> None:
    if f"{agency}:{ADMIN_ROLE}" in roles:
        log.warning("admin role refused on the officer route",
                    extra={"actor": actor.subject, "agency": agency})
        raise ProblemError(403, "admin-role-forbidden")


def _check_roles(problems: Problems, agency: str, roles: list[str], *, given: bool) -> None:
    allowed = {f"{agency}:{r}" for r in officer_roles(agency)}
    if not roles:
        problems.add("roles", "roles-empty" if given else "required")
    for role in roles:
        if role not in allowed:
            safe = role if len(role) <= 80 and role.isprintable() else "?"
            problems.add("roles", "role-not-allowed", role=safe)


async def create_officer(session: AsyncSession, ctx: IdentityContext, actor: Principal,
                         agency: str, form: OfficerForm) -> AccountRow:
    """An agency admin (or the platform admin) creates an officer or a system account of that
    agency, with roles from :func:`officer_roles`; asking for ``<agency>:admin`` is a 403."""
    if agency not in load_registry().agencies or not may_manage(actor, agency):
        raise ProblemError(403, "forbidden")
    roles = sorted(set(form.roles or []))
    _refuse_admin_role(actor, agency, roles)
    problems = Problems()
    _refuse_extra(problems, form)
    name, email, phone = check_contact(problems, form.name, form.email, form.phone,
                                       phone_required=False)
    _check_roles(problems, agency, roles, given=form.roles is not None)
    password = _check_password(problems, form.password, nik=None, email=email, phone=phone)
    problems.raise_if_any()
    row = _new_row(ctx, kind=_kind_for(roles), name=name, email=email, phone=phone,
                   password_hash=await ctx.passwords.hash(password), roles=roles,
                   created_by=actor.subject, agency=agency)
    await _insert(session, row)
    store.audit(session, row.created_at, actor.subject, "account.created", row.id,
                kind=row.kind, agency=agency, roles=row.roles)
    log.info("officer created", extra={"account_id": row.id, "agency": agency})
    return row


async def list_agency(session: AsyncSession, actor: Principal, agency: str
                      ) -> list[AccountRow]:
    if agency not in load_registry().agencies or not may_manage(actor, agency):
        raise ProblemError(403, "forbidden")
    return await store.agency_accounts(session, agency)


async def set_status(session: AsyncSession, ctx: IdentityContext, actor: Principal,
                     agency: str, account_id: str, status: str) -> AccountRow:
    """Disable (revoking its sessions) or re-enable an account of the agency. An agency admin
    may do so for the agency's officers and system accounts only; an agency admin's account
    is disabled or enabled by the platform admin alone (403 ``admin-account-forbidden``)."""
    if agency not in load_registry().agencies or not may_manage(actor, agency):
        raise ProblemError(403, "forbidden")
    row = await store.get_account(session, account_id, lock=True)
    if row is None or row.agency != agency:
        raise ProblemError(404, "account-not-found")
    if row.id == actor.subject:
        raise ProblemError(403, "forbidden")
    _refuse_admin_target(actor, row)
    now = ctx.clock()
    if row.status != status:
        row.status = status
        row.updated_at = now
        details: dict[str, object] = {"agency": agency}
        if status == "disabled":
            closed = await store.revoke_account_families(session, row.id, now, "disabled")
            for sid in closed:
                ctx.sessions.closed(sid)
            details["sessions_revoked"] = len(closed)
        store.audit(session, now, actor.subject, f"account.{status}", row.id, **details)
        log.info("account status changed", extra={"account_id": row.id, "status": status})
    return row


async def set_roles(session: AsyncSession, ctx: IdentityContext, actor: Principal,
                    agency: str, account_id: str, form: RolesForm) -> AccountRow:
    """Replace the roles of an officer or system account of the agency, with roles from
    :func:`officer_roles` (never ``admin``; an admin account's roles are not changed here).
    A change revokes the account's sessions, so a role taken away stops working at once."""
    if agency not in load_registry().agencies or not may_manage(actor, agency):
        raise ProblemError(403, "forbidden")
    roles = sorted(set(form.roles or []))
    _refuse_admin_role(actor, agency, roles)
    row = await store.get_account(session, account_id, lock=True)
    if row is None or row.agency != agency:
        raise ProblemError(404, "account-not-found")
    if row.id == actor.subject:
        raise ProblemError(403, "forbidden")
    _refuse_admin_target(actor, row)
    if is_agency_admin(row):  # an admin's roles are not changed here, not even by root
        raise ProblemError(403, "admin-role-forbidden")
    problems = Problems()
    _refuse_extra(problems, form)
    _check_roles(problems, agency, roles, given=form.roles is not None)
    problems.raise_if_any()
    if roles != sorted(row.roles):
        now = ctx.clock()
        before = sorted(row.roles)
        row.roles = roles
        row.kind = _kind_for(roles)
        row.updated_at = now
        closed = await store.revoke_account_families(session, row.id, now, "roles-changed")
        for sid in closed:
            ctx.sessions.closed(sid)
        store.audit(session, now, actor.subject, "account.roles_changed", row.id,
                    agency=agency, roles_before=before, roles=roles,
                    sessions_revoked=len(closed))
        log.info("account roles changed", extra={"account_id": row.id, "agency": agency})
    return row


def profile(ctx: IdentityContext, row: AccountRow) -> Profile:
    nik = mask_nik(ctx.cipher.decrypt(row.nik_cipher)) if row.nik_cipher else None
    return Profile(id=row.id, kind=row.kind, name=row.name, email=row.email, phone=row.phone,
                   nik=nik, roles=list(row.roles), agency=row.agency, status=row.status,
                   created_at=row.created_at)


async def own_profile(session: AsyncSession, ctx: IdentityContext, who: Principal) -> Profile:
    row = await store.get_account(session, who.subject)
    if row is None:
        raise ProblemError(404, "account-not-found")
    if row.status != "active":
        raise ProblemError(403, "account-disabled")
    return profile(ctx, row)
