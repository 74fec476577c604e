"""Background work of the BKD (run by the process that runs the workers).

- Reconciliation: a leave case the sweeper closed on its own (a returned file not completed
  in time expires without the hooks) still holds its days; they are released here (taken,
  should a completed case have been missed).
- SIASN: every granted leave is recorded in SIASN once (the adapter's idempotency key is
  the case id); a failure leaves it queued for the next round, a refusal marks it failed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.kepegawaian import store
from services.kepegawaian.adapters.siasn import (
    LeaveRecord,
    Siasn,
    SiasnUnavailable,
    siasn_from_env,
)
from shared.web.runtime import ServiceRuntime

log = logging.getLogger(__name__)
INTERVAL_S = 60.0


async def reconcile(session: AsyncSession, at: datetime) -> int:
    settled = 0
    for item, status in await store.orphaned(session):
        await store.settle(session, item, "taken" if status == "completed" else "released", at)
        settled += 1
    return settled


async def push_to_siasn(session: AsyncSession, siasn: Siasn) -> tuple[int, int]:
    """Record the queued leave in SIASN: (sent, still queued)."""
    sent = waiting = 0
    for item in await store.queued_for_siasn(session):
        record = LeaveRecord(case_id=item.case_id, nip=item.nip, kind=item.kind,
                             start=item.start, end=item.end, working_days=item.working_days,
                             reference=item.case_id)
        try:
            item.siasn_ref = await siasn.record_leave(record)
            item.siasn = "sent"
            sent += 1
        except SiasnUnavailable as exc:
            log.warning("SIASN belum menerima catatan cuti: %s", exc)
            waiting += 1
            break  # SIASN is down: the rest waits for the next round too
    await session.flush()
    return sent, waiting


async def run_once(sessions: async_sessionmaker[AsyncSession], clock: Callable[[], datetime],
                   siasn: Siasn | None) -> None:
    async with sessions() as session:
        await reconcile(session, clock())
        if siasn is not None:
            await push_to_siasn(session, siasn)
        await session.commit()


async def leave_loop(runtime: ServiceRuntime, stop: asyncio.Event) -> None:
    siasn = siasn_from_env()
    while not stop.is_set():
        try:
            await run_once(runtime.sessions, runtime.clock, siasn)
        except Exception:  # one bad round must not end the loop; the next one retries
            log.exception("putaran cuti BKD gagal")
        try:
            await asyncio.wait_for(stop.wait(), INTERVAL_S)
        except TimeoutError:
            pass
