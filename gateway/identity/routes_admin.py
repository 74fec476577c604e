"""Administration routes: key rotation, agency admins, an agency's officers, the audit log."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request

from gateway.identity import service, store
from gateway.identity.deps import (
    AdminPrincipal,
    CurrentPrincipal,
    IdentityDep,
    RuntimeDep,
    SessionDep,
)
from gateway.identity.errors import localized
from gateway.identity.schemas import (
    AgencyAdminForm,
    AuditEntry,
    KeyRotation,
    OfficerForm,
    Profile,
    RolesForm,
)
from shared.web.problems import ProblemError

router = APIRouter(tags=["identity-admin"])
log = logging.getLogger("halo.identity")


@router.post("/api/v1/admin/keys/rotate", response_model=KeyRotation)
async def rotate_keys(who: AdminPrincipal, session: SessionDep, runtime: RuntimeDep,
                      ctx: IdentityDep) -> KeyRotation:
    """Start signing with a new key, saved to the key folder every replica reads (they pick
    it up within seconds). Retired public keys stay in the JWKS until the tokens they signed
    have expired (retirement + access-token lifetime + clock skew)."""
    folder = runtime.keys.folder or runtime.settings.key_dir
    try:
        key = await asyncio.to_thread(runtime.keys.rotate_and_save, folder,
                                      runtime.settings.tokens.access_ttl_s)
    except OSError as exc:  # e.g. a read-only folder (a mounted Secret): rotate offline
        log.error("signing key rotation not saved", extra={"error": type(exc).__name__})
        raise ProblemError(503, "service-unavailable", service="kunci token") from None
    kids = [k["kid"] for k in runtime.keys.jwks()["keys"]]
    store.audit(session, ctx.clock(), who.subject, "keys.rotated", None, active_kid=key.kid)
    log.info("signing key rotated", extra={"kid": key.kid})
    return KeyRotation(active_kid=key.kid, kids=kids)


@router.post("/api/v1/admin/agency-admins", status_code=201, response_model=Profile)
async def create_agency_admin(form: AgencyAdminForm, request: Request, who: AdminPrincipal,
                              session: SessionDep, ctx: IdentityDep) -> Profile:
    """A platform admin creates an agency's administrator (role ``<agency>:admin``)."""
    with localized(request):
        row = await service.create_agency_admin(session, ctx, who, form)
    return service.profile(ctx, row)


@router.get("/api/v1/admin/audit", response_model=list[AuditEntry])
async def audit_log(who: AdminPrincipal, session: SessionDep,
                    target: str | None = None) -> list[AuditEntry]:
    """The latest account changes (newest first), optionally of one account."""
    rows = await store.audit_rows(session, target)
    return [AuditEntry(at=r.at, actor=r.actor, action=r.action, target=r.target,
                       details=r.details) for r in rows]


@router.post("/api/v1/agencies/{agency}/officers", status_code=201, response_model=Profile)
async def create_officer(agency: str, form: OfficerForm, request: Request,
                         who: CurrentPrincipal, session: SessionDep,
                         ctx: IdentityDep) -> Profile:
    """The agency's admin creates an officer with roles of that agency only."""
    with localized(request):
        row = await service.create_officer(session, ctx, who, agency, form)
    return service.profile(ctx, row)


@router.get("/api/v1/agencies/{agency}/officers", response_model=list[Profile])
async def list_officers(agency: str, who: CurrentPrincipal, session: SessionDep,
                        ctx: IdentityDep) -> list[Profile]:
    """Every account of the agency (admins, officers, system accounts)."""
    rows = await service.list_agency(session, who, agency)
    return [service.profile(ctx, r) for r in rows]


@router.post("/api/v1/agencies/{agency}/officers/{account_id}/disable",
             response_model=Profile)
async def disable_officer(agency: str, account_id: str, who: CurrentPrincipal,
                          session: SessionDep, ctx: IdentityDep) -> Profile:
    """Disable an account of the agency; its sessions (refresh tokens) are revoked."""
    row = await service.set_status(session, ctx, who, agency, account_id, "disabled")
    return service.profile(ctx, row)


@router.post("/api/v1/agencies/{agency}/officers/{account_id}/enable",
             response_model=Profile)
async def enable_officer(agency: str, account_id: str, who: CurrentPrincipal,
                         session: SessionDep, ctx: IdentityDep) -> Profile:
    row = await service.set_status(session, ctx, who, agency, account_id, "active")
    return service.profile(ctx, row)


@router.put("/api/v1/agencies/{agency}/officers/{account_id}/roles", response_model=Profile)
async def set_officer_roles(agency: str, account_id: str, form: RolesForm, request: Request,
                            who: CurrentPrincipal, session: SessionDep,
                            ctx: IdentityDep) -> Profile:
    """Replace an officer's roles (the whole list) with roles of that agency only, never
    ``admin``; the account's sessions are revoked so the change applies at once."""
    with localized(request):
        row = await service.set_roles(session, ctx, who, agency, account_id, form)
    return service.profile(ctx, row)
