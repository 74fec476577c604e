"""What follows a recorded payment: the case waiting at its bank step moves on, acted on by
the bank's integration account (its history and event name the role). Used by the bank's
confirmation route and by the bank sync loop."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.pajak import store
from services.pajak.billing import Confirmed
from shared.engine.access import INTEGRATION_ROLE
from shared.engine.state import Principal
from shared.web.runtime import ServiceRuntime

AGENCY = "bpprd"
BANK_STEP, PAID_ACTION = "pembayaran_bank", "lunas"
WAITING_SOPS = ("bpprd-pbb-pembayaran", "bpprd-pbb-pendaftaran-objek-pajak-baru")


def bank_principal(name: str) -> Principal:
    return Principal(subject=name, roles=frozenset({f"{AGENCY}:{INTEGRATION_ROLE}"}))


async def move_cases(session: AsyncSession, runtime: ServiceRuntime, done: Confirmed,
                     who: Principal) -> bool:
    """Move the payment case of the code, and the registration case of the object, when one
    stands at its bank step; a case that moved on or was withdrawn stays as it is (the money
    is received either way). True when a case moved."""
    objek = await store.objek(session, (await store.sppt_by_id(session, done.code.sppt_id)).nop)
    moved = False
    for case_id in {done.code.case_id, objek.case_id if objek else None} - {None}:
        row = await runtime.store.get(session, str(case_id), lock=True)
        if row is None or row.status != "open" or row.step_id != BANK_STEP \
                or row.sop_key not in WAITING_SOPS:
            continue
        await runtime.cases.act(session, row, who, PAID_ACTION, step=BANK_STEP, comment=None,
                                form=None, uploads=[])
        moved = True
    return moved
