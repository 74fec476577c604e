"""The background loop that records issued documents in SIAK (``ServiceSpec.background``).

Three short steps, so no transaction waits on SIAK: claim the due records (one more attempt,
leased), call SIAK outside any transaction, then mark each one sent, or due again after a
backoff (5 s, 10 s, 20 s, ... up to an hour) while SIAK is unreachable, or ``failed`` when
SIAK refuses the record as such. A record is never dropped; a resend carries the same
``Idempotency-Key`` (the record id), so SIAK records it once. The NIK is read from the
case's sealed form at sending time and goes nowhere else.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.dukcapil import store
from services.dukcapil.adapters.siak import SiakClient, SiakDocument, SiakRefused, SiakUnavailable
from services.dukcapil.context import DukcapilContext
from services.dukcapil.domain import local_day
from services.dukcapil.siak_flow import SUBJECTS
from shared.db.tables import CaseRow
from shared.web.runtime import ServiceRuntime

log = logging.getLogger("halo.dukcapil.siak")
POLL_S = 2.0


@dataclass(frozen=True)
class Outcome:
    sent: int = 0
    retried: int = 0
    failed: int = 0


async def _documents(runtime: ServiceRuntime, now: datetime
                     ) -> list[tuple[str, int, SiakDocument | None]]:
    """Claim due records and build what SIAK is sent (None: its case is gone)."""
    out: list[tuple[str, int, SiakDocument | None]] = []
    async with runtime.sessions() as session:
        for rec in await store.claim_due(session, now):
            case = await session.get(CaseRow, rec.case_id)
            sop = await runtime.catalog.get(session, case.sop_key, case.sop_version) \
                if case is not None else None
            subject = SUBJECTS.get(rec.sop_key)
            doc = None
            if case is not None and sop is not None and subject is not None:
                form = runtime.cases.cipher.open_form(case.form or {}, sop.personal_fields())
                nik = form.get(subject.nik)
                if isinstance(nik, str) and nik:
                    doc = SiakDocument(kind=rec.kind, number=rec.document_number, nik=nik,
                                       verify_code=rec.verify_code,
                                       issued_on=local_day(rec.created_at),
                                       reference=case.tracking_no)
            out.append((rec.id, rec.attempts, doc))
        await session.commit()
    return out


async def send_due(runtime: ServiceRuntime, client: SiakClient) -> Outcome:
    """One pass over the due records."""
    now = runtime.clock()
    sent = retried = failed = 0
    for record_id, attempts, doc in await _documents(runtime, now):
        try:
            if doc is None:
                raise SiakRefused("case-gone")
            ref = await client.record(doc, record_id)
        except SiakUnavailable as exc:
            async with runtime.sessions() as session:
                await store.mark_retry(session, record_id, attempts, str(exc), runtime.clock())
                await session.commit()
            retried += 1
            continue
        except SiakRefused as exc:
            async with runtime.sessions() as session:
                await store.mark_failed(session, record_id, str(exc))
                await session.commit()
            log.warning("siak record refused", extra={"record": record_id, "error": str(exc)})
            failed += 1
            continue
        async with runtime.sessions() as session:
            await store.mark_sent(session, record_id, ref, runtime.clock())
            await session.commit()
        sent += 1
    return Outcome(sent=sent, retried=retried, failed=failed)


def siak_loop(ctx: DukcapilContext
              ) -> Callable[[ServiceRuntime, asyncio.Event], Coroutine[Any, Any, None]]:
    """The background loop of the service: a pass every :data:`POLL_S` seconds while SIAK is
    configured (none: it only waits for the stop)."""

    async def run(runtime: ServiceRuntime, stop: asyncio.Event) -> None:
        client = ctx.client()
        while not stop.is_set():
            if client is not None:
                try:
                    await send_due(runtime, client)
                except Exception:  # a database hiccup: the next pass tries again
                    log.exception("siak pass failed")
            try:
                await asyncio.wait_for(stop.wait(), POLL_S)
            except TimeoutError:
                pass

    return run
