"""Response and request bodies of the permit registry routes (no NIK, ever)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

from services.perizinan.domain import status_at
from services.perizinan.rules import rule_for
from services.perizinan.tables import PermitRow
from shared.outputs.tables import CaseOutputRow
from shared.times import UtcDatetime
from shared.web.text import TEXT_CHECK

STATUS_LABELS = {"active": "Berlaku", "expired": "Masa berlaku habis", "revoked": "Dicabut"}


class PermitVerification(BaseModel):
    """What anyone holding a permit's number or QR code may learn (public)."""

    number: str
    status: str
    """``active``, ``expired`` or ``revoked``."""
    status_label: str
    valid: bool
    title: str
    agency: str
    profession: str | None
    holder: str | None
    """The holder's name, masked (``S*** A***``)."""
    place_name: str | None
    issued_at: UtcDatetime
    valid_until: UtcDatetime | None
    revoked_at: UtcDatetime | None
    revoke_reason: str | None


class PermitOut(PermitVerification):
    """A permit as an officer or its holder reads it: masked personal data."""

    id: str
    case_id: str
    sop_key: str
    verify_code: str | None
    address: str | None
    """The practice address, masked."""
    str_number: str | None
    """The STR number it rests on, masked."""
    ended_at: UtcDatetime | None
    replaced_by: str | None


class PermitPage(BaseModel):
    items: list[PermitOut]
    total: int


class RevokePermit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5,
                                             max_length=500), TEXT_CHECK]


def verification(permit: PermitRow, now: datetime,
                 revoked: CaseOutputRow | None = None) -> PermitVerification:
    return PermitVerification(**_public(permit, now, revoked))


def permit_out(permit: PermitRow, now: datetime,
               revoked: CaseOutputRow | None = None) -> PermitOut:
    return PermitOut(**_public(permit, now, revoked), id=permit.id, case_id=permit.case_id,
                     sop_key=permit.sop_key, verify_code=permit.verify_code,
                     address=permit.address_masked, str_number=permit.str_masked,
                     ended_at=permit.ended_at, replaced_by=permit.replaced_by)


def _public(permit: PermitRow, now: datetime, revoked: CaseOutputRow | None
            ) -> dict[str, Any]:
    """``revoked``: the permit's output when it was revoked by the generic output route
    before the expiry loop copied that onto the permit; the permit is revoked then too."""
    status = status_at(permit.status, permit.valid_until, now)
    revoked_at, reason = permit.revoked_at, permit.revoke_reason
    if revoked is not None and status == "active":
        status, revoked_at, reason = "revoked", revoked.revoked_at, revoked.revoke_reason
    return {
        "number": permit.number, "status": status, "status_label": STATUS_LABELS[status],
        "valid": status == "active", "title": permit.title, "agency": permit.agency,
        "profession": rule_for(permit.profession).label if permit.profession else None,
        "holder": permit.holder_masked, "place_name": permit.place_name,
        "issued_at": permit.issued_at, "valid_until": permit.valid_until,
        "revoked_at": revoked_at, "revoke_reason": reason if status == "revoked" else None}
