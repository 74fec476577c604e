"""Writing the permit registry from a case: the practice-limit check and the permit row.

Called by the hooks (:mod:`services.perizinan.hooks`) inside the case's transaction: at
submission (and resubmission) the limit is checked, so an application that would exceed it
never opens; when the step that issues the output is stored (the output issuer has just
inserted its pending row with its number), the permit is written, after a second check (two
applications may have been open at once).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.perizinan import store
from services.perizinan.context import Bound
from services.perizinan.domain import (
    PERMIT_KINDS,
    check_limit,
    nik_hash,
    over_limit,
    permit_valid_until,
    place_key,
)
from services.perizinan.rules import PracticeRule, profession_of, rule_for
from services.perizinan.tables import PermitRow
from shared.cases.pii import mask
from shared.db.session import lock
from shared.db.tables import CaseRow
from shared.engine.errors import InvalidSubmission
from shared.engine.state import Transition
from shared.outputs.issuer import holder_name, holder_nik
from shared.outputs.tables import CaseOutputRow
from shared.sop.model import SopDefinition
from shared.web.problems import ProblemError

PLACE_FIELD, ADDRESS_FIELD, STR_FIELD = "nama_tempat_praktik", "alamat_tempat_praktik", \
    "nomor_str"
ORDINAL_FIELD = "sip_ke"
"""The form's "SIP ke-" (which place of practice this is, 1, 2 or 3)."""


def _text(form: dict[str, Any], name: str) -> str | None:
    value = form.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


async def enforce_limit(session: AsyncSession, ctx: Bound, sop: SopDefinition,
                        row: CaseRow, clear: dict[str, Any]) -> None:
    """Refuse (422 ``practice-limit-reached``) a health permit the holder may not add."""
    profession = profession_of(sop.key)
    nik = holder_nik(sop, clear)
    if profession is None or nik is None:
        return
    rule = rule_for(profession)
    if over_limit(rule, clear.get(ORDINAL_FIELD)):
        raise InvalidSubmission([{"field": ORDINAL_FIELD, "problem": "sip-ke-over-limit"}])
    person = nik_hash(ctx.hash_key, nik)
    # one person's applications of a profession count one at a time (PostgreSQL: an
    # advisory lock until commit; SQLite serialises writers anyway)
    await lock(session, f"perizinan-limit:{person}:{profession}")
    held = await store.places_held(session, person, profession, ctx.clock(),
                                   excluding_case=row.id)
    result = check_limit(rule, held, _text(clear, PLACE_FIELD) or "")
    if not result.allowed:
        raise _limit_problem(rule, result.held)


def _limit_problem(rule: PracticeRule, held: int) -> ProblemError:
    return ProblemError(422, "practice-limit-reached", held=held, limit=rule.max_places,
                        profession=rule.label, source=rule.source)


def permit_outputs(outputs: list[CaseOutputRow]) -> list[CaseOutputRow]:
    """The outputs that are the permit itself, the last one when a step issues several."""
    found = [o for o in outputs if o.kind in PERMIT_KINDS]
    return found[-1:] if found else []


async def register(session: AsyncSession, ctx: Bound, sop: SopDefinition,
                   row: CaseRow, done: Transition) -> list[str]:
    """Write a permit for each permit output ``done`` just issued; returns their ids."""
    seqs = [e.seq for e in done.entries]
    outputs = permit_outputs(await store.outputs_of(session, row.id, seqs))
    if not outputs:
        return []
    clear = ctx.cipher.open_form(row.form or {}, sop.personal_fields())
    await enforce_limit(session, ctx, sop, row, clear)
    written = []
    for out in outputs:
        if await store.by_output(session, out.id) is not None:
            continue
        permit = _permit(ctx, sop, row, out, clear)
        session.add(permit)
        await session.flush()
        await store.replace_at_place(session, permit, permit.issued_at)
        if out.valid_until is None and permit.valid_until is not None:
            out.valid_until = permit.valid_until  # the verification page and the PDF say so
        written.append(permit.id)
    return written


def _sealed(ctx: Bound, value: str | None) -> str | None:
    return ctx.cipher.encrypt(value) if value else None


def _permit(ctx: Bound, sop: SopDefinition, row: CaseRow, out: CaseOutputRow,
            clear: dict[str, Any]) -> PermitRow:
    profession = profession_of(sop.key)
    rule = rule_for(profession) if profession else None
    issued: datetime = out.created_at
    name, nik = holder_name(sop, clear), holder_nik(sop, clear)
    address, str_no = _text(clear, ADDRESS_FIELD), _text(clear, STR_FIELD)
    place = _text(clear, PLACE_FIELD)
    end_field = rule.validity_field if rule else None
    return PermitRow(
        id=str(uuid.uuid4()), number=out.number, case_id=row.id, output_id=out.id,
        verify_code=out.verify_code, sop_key=sop.key, agency=out.agency, title=out.title,
        profession=profession, holder_account=row.applicant_id,
        holder_name=_sealed(ctx, name), holder_masked=mask(name) if name else None,
        nik=_sealed(ctx, nik), nik_hash=nik_hash(ctx.hash_key, nik) if nik else None,
        place_name=place[:200] if place else None, place_key=place_key(place) if place else None,
        address=_sealed(ctx, address), address_masked=mask(address)[:200] if address else None,
        str_number=_sealed(ctx, str_no), str_masked=mask(str_no)[:80] if str_no else None,
        issued_at=issued,
        valid_until=permit_valid_until(issued, rule, out.valid_until,
                                       clear.get(end_field) if end_field else None),
        status="active")
