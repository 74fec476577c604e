"""The bank sync loop (a ``ServiceSpec.background`` loop, run by the process that runs the
workers): registers new payment codes with the bank, and asks the bank about codes still
unpaid here, recording a payment whose callback never arrived (the late callback is then a
replay). Without ``HALO_PAJAK_BANK_URL`` it idles."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from services.pajak import billing, payments, store
from services.pajak.adapters.bank import (
    BankGateway,
    BankSettings,
    BankUnavailable,
    CodeToRegister,
    HttpBank,
)
from shared.settings import env_int
from shared.web.runtime import ServiceRuntime

log = logging.getLogger(__name__)
LOOK_BACK = timedelta(days=1)


@dataclass
class SyncResult:
    registered: int = 0
    found_paid: int = 0
    refused: int = 0


async def sync_once(runtime: ServiceRuntime, bank: BankGateway) -> SyncResult:
    result = SyncResult()
    now = runtime.clock()
    async with runtime.sessions() as session:
        try:
            for code in await store.codes_to_register(session, now):
                sppt = await store.sppt_by_id(session, code.sppt_id)
                await bank.register(CodeToRegister(kode=code.kode, jumlah=code.jumlah,
                                                   berlaku_sampai=code.expires_at,
                                                   nop=sppt.nop, tahun=sppt.tahun))
                code.pushed_at = now
                result.registered += 1
            for code in await store.codes_to_check(session, now - LOOK_BACK):
                status = await bank.status(code.kode)
                if status is None or not status.dibayar:
                    continue
                assert status.referensi and status.jumlah is not None and status.dibayar_pada
                c = billing.Confirmation(bank=bank.name, kode=code.kode, jumlah=status.jumlah,
                                         referensi=status.referensi,
                                         paid_at=status.dibayar_pada)
                try:
                    done = await billing.confirm(session, c, now)
                except billing.Refused as exc:
                    session.add(billing.unmatched(c, exc.code, now))
                    result.refused += 1
                    continue
                await payments.move_cases(session, runtime, done,
                                          payments.bank_principal(bank.name))
                result.found_paid += 1
        finally:
            await session.commit()  # what was registered or found stays recorded
    return result


async def bank_sync(runtime: ServiceRuntime, stop: asyncio.Event) -> None:
    settings = BankSettings.from_env()
    if settings is None:
        await stop.wait()
        return
    bank = HttpBank(settings)
    interval = env_int("HALO_PAJAK_BANK_SYNC_S", 60)
    try:
        while not stop.is_set():
            try:
                done = await sync_once(runtime, bank)
                if done.registered or done.found_paid or done.refused:
                    log.info("bank sync: %d registered, %d found paid, %d refused",
                             done.registered, done.found_paid, done.refused)
            except BankUnavailable as exc:
                log.warning("bank sync: bank unavailable (%s)", exc)
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
            except TimeoutError:
                pass
    finally:
        await bank.aclose()
