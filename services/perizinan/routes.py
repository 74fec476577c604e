"""Department routes of the perizinan service: the permit registry.

- ``GET /permits/verify?number=…`` or ``?code=…`` (public, no login): the permit's registry
  status without personal data (the masked name at most); served by the gateway as
  ``/api/v1/perizinan/permits/verify``.
- ``GET /permits/mine``: the caller's own permits.
- ``GET /permits`` (officers; DPMPTSP and platform admins see every agency's, another
  agency its own) and ``GET /permits/{id}`` (those officers, or the holder): masked.
- ``POST /permits/{id}/revoke`` ``{reason}``: kepala dinas, kabid or admin; audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from services.perizinan import (
    messages,  # noqa: F401  (registers the problem codes)
    store,
)
from services.perizinan.revocation import HOST_AGENCY, NotRevocable, revoke, revoker_role
from services.perizinan.schemas import (
    PermitOut,
    PermitPage,
    PermitVerification,
    RevokePermit,
    permit_out,
    verification,
)
from services.perizinan.tables import PermitRow
from shared.engine.state import Principal
from shared.outputs.codes import normalise_code
from shared.web.deps import CurrentPrincipal, RuntimeDep, SessionDep
from shared.web.problems import ProblemError

router = APIRouter(prefix="/permits", tags=["perizinan"])
Number = Annotated[str | None, Query(min_length=3, max_length=80, pattern=r"^[A-Za-z0-9/.\- ]+$")]
Code = Annotated[str | None, Query(min_length=10, max_length=40,
                                   pattern=r"^[A-Za-z0-9\-]+$")]
Status = Literal["active", "expired", "revoked"]
Key = Annotated[str | None, Query(max_length=120, pattern=r"^[a-z0-9\-]+$")]


def officer_scope(who: Principal) -> frozenset[str] | None:
    """Agencies whose permits ``who`` reads (None: all); 404-worthy when empty."""
    if who.is_admin or HOST_AGENCY in who.agencies():
        return None
    return who.agencies()


def _may_read(who: Principal, permit: PermitRow) -> bool:
    scope = officer_scope(who)
    return who.subject == permit.holder_account or scope is None or permit.agency in scope


@router.get("/verify", response_model=PermitVerification)
async def verify_permit(session: SessionDep, runtime: RuntimeDep, number: Number = None,
                        code: Code = None) -> PermitVerification:
    """Public: whether the permit with this number (or QR verification code) is active,
    expired or revoked. Nothing personal beyond the holder's masked name."""
    if number is None and code is None:
        raise ProblemError(422, "permit-query-missing")
    permit = None
    if code is not None:
        canonical = normalise_code(code)
        permit = await store.by_verify_code(session, canonical) if canonical else None
    elif number is not None:
        permit = await store.by_number(session, number)
    if permit is None:
        raise ProblemError(404, "permit-not-found", headers={"Cache-Control": "no-store"})
    revoked = await store.revoked_outputs(session, [permit.output_id])
    return verification(permit, runtime.clock(), revoked.get(permit.output_id or ""))


@router.get("/mine", response_model=list[PermitOut])
async def my_permits(session: SessionDep, runtime: RuntimeDep, who: CurrentPrincipal
                     ) -> list[PermitOut]:
    """The permits issued to the caller."""
    return await _out(session, runtime.clock(), await store.of_holder(session, who.subject))


@router.get("", response_model=PermitPage)
async def list_permits(session: SessionDep, runtime: RuntimeDep, who: CurrentPrincipal,
                       status: Status | None = None, profession: Key = None,
                       sop_key: Key = None, number: Number = None,
                       limit: Annotated[int, Query(ge=1, le=200)] = 50,
                       offset: Annotated[int, Query(ge=0, le=100_000)] = 0) -> PermitPage:
    """The registry for officers, newest first, masked."""
    scope = officer_scope(who)
    if scope is not None and not scope:
        raise ProblemError(403, "forbidden")
    rows, total = await store.search(session, agencies=scope, status=status,
                                     profession=profession, sop_key=sop_key, number=number,
                                     limit=limit, offset=offset)
    return PermitPage(items=await _out(session, runtime.clock(), rows), total=total)


async def _out(session: SessionDep, now: datetime, rows: list[PermitRow]) -> list[PermitOut]:
    revoked = await store.revoked_outputs(session, [p.output_id for p in rows])
    return [permit_out(p, now, revoked.get(p.output_id or "")) for p in rows]


async def _readable(session: SessionDep, permit_id: str, who: Principal, *, lock: bool = False
                    ) -> PermitRow:
    permit = await store.get(session, permit_id, lock=lock) if len(permit_id) <= 36 else None
    if permit is None or not _may_read(who, permit):
        raise ProblemError(404, "permit-not-found")
    return permit


@router.get("/{permit_id}", response_model=PermitOut)
async def get_permit(permit_id: str, session: SessionDep, runtime: RuntimeDep,
                     who: CurrentPrincipal) -> PermitOut:
    """One permit (its holder, or an officer who may read the registry), masked."""
    [out] = await _out(session, runtime.clock(), [await _readable(session, permit_id, who)])
    return out


@router.post("/{permit_id}/revoke", response_model=PermitOut)
async def revoke_permit(permit_id: str, body: RevokePermit, session: SessionDep,
                        runtime: RuntimeDep, who: CurrentPrincipal) -> PermitOut:
    """Revoke an active permit with a reason (public on its verification), audited."""
    permit = await _readable(session, permit_id, who, lock=True)
    role = revoker_role(who, permit)
    if role is None:
        raise ProblemError(403, "permit-revoke-forbidden")
    now = runtime.clock()
    outputs = runtime.outputs.store if runtime.outputs is not None else None
    try:
        reason = await revoke(session, runtime.cases, outputs, permit, who, role, body.reason,
                              now)
    except NotRevocable as exc:
        raise ProblemError(409, "permit-not-revocable", state=exc.status) from None
    await runtime.cases.audit(session, who, "permit.revoked", f"permit/{permit.id}",
                              {"number": permit.number, "case": permit.case_id,
                               "reason": reason})
    return permit_out(permit, now)
