"""The background loop of SP4N-LAPOR! (``ServiceSpec.background``): pull and push.

Pushes, in three short steps so no transaction waits on LAPOR!: claim the due pushes (one
more attempt, leased), call LAPOR! outside any transaction, then mark each one sent, or due
again after a backoff (5 s, 10 s, 20 s, ... up to an hour) while LAPOR! is unreachable, or
``failed`` when LAPOR! refuses it as such. A push is never dropped; a resend carries the same
``Idempotency-Key`` (the push id), so LAPOR! records it once.

The loop sends the due pushes every :data:`PUSH_EVERY_S` seconds and pulls every
``HALO_PENGADUAN_LAPOR_INTERVAL_S`` seconds (default 300); without
``HALO_PENGADUAN_LAPOR_URL`` it only waits for the stop.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, cast

from services.pengaduan import lapor_store
from services.pengaduan.adapters.lapor import (
    HttpLapor,
    LaporClient,
    LaporRefused,
    LaporUnavailable,
    PushKind,
    lapor_settings_from_env,
)
from services.pengaduan.lapor_pull import pull_once
from services.pengaduan.lapor_tables import LaporReportRow
from shared.settings import env_int
from shared.web.runtime import ServiceRuntime

log = logging.getLogger("halo.pengaduan.lapor")
PUSH_EVERY_S = 5.0


@dataclass(frozen=True)
class PushOutcome:
    sent: int = 0
    retried: int = 0
    failed: int = 0


async def send_due(runtime: ServiceRuntime, client: LaporClient) -> PushOutcome:
    """One pass over the due pushes."""
    async with runtime.sessions() as session:
        claimed = []
        for push in await lapor_store.claim_due(session, runtime.clock()):
            report = await session.get(LaporReportRow, push.report_id)
            claimed.append((push.id, push.attempts, push.kind, push.lapor_id, push.text,
                            push.at, report.tracking_no if report is not None else None))
        await session.commit()
    sent = retried = failed = 0
    for push_id, attempts, kind, lapor_id, text, at, tracking_no in claimed:
        try:
            ref = await client.push(cast(PushKind, kind), lapor_id, text, at, push_id,
                                    tracking_no)
        except LaporUnavailable as exc:
            async with runtime.sessions() as session:
                await lapor_store.mark_retry(session, push_id, attempts, str(exc),
                                             runtime.clock())
                await session.commit()
            retried += 1
            continue
        except LaporRefused as exc:
            async with runtime.sessions() as session:
                await lapor_store.mark_failed(session, push_id, str(exc))
                await session.commit()
            log.warning("lapor push refused", extra={"push": push_id, "error": str(exc)})
            failed += 1
            continue
        async with runtime.sessions() as session:
            await lapor_store.mark_sent(session, push_id, ref, runtime.clock())
            await session.commit()
        sent += 1
    return PushOutcome(sent=sent, retried=retried, failed=failed)


def pull_interval_s() -> int:
    return max(env_int("HALO_PENGADUAN_LAPOR_INTERVAL_S", 300), 10)


def lapor_loop(client: LaporClient | None = None
               ) -> Callable[[ServiceRuntime, asyncio.Event], Coroutine[Any, Any, None]]:
    """The loop: ``client`` given (tests), else the one the settings name, else none."""

    async def run(runtime: ServiceRuntime, stop: asyncio.Event) -> None:
        settings = lapor_settings_from_env() if client is None else None
        used = client or (HttpLapor(settings) if settings is not None else None)
        next_pull = 0.0
        try:
            while not stop.is_set():
                if used is not None:
                    try:
                        if time.monotonic() >= next_pull:
                            next_pull = time.monotonic() + pull_interval_s()
                            await pull_once(runtime, used)
                        await send_due(runtime, used)
                    except LaporUnavailable as exc:
                        log.warning("lapor unreachable", extra={"error": str(exc)})
                    except Exception:  # a database hiccup: the next pass tries again
                        log.exception("lapor pass failed")
                try:
                    await asyncio.wait_for(stop.wait(), PUSH_EVERY_S)
                except TimeoutError:
                    pass
        finally:
            if used is not None and client is None:
                await used.aclose()

    return run
