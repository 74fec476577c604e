"""Test support for the pajak service's domain in the generic SOP walkers: its demo tax
objects (with their 2026 SPPTs) and the bank's payment of a case's payment code, which the
pembayaran SOP's bank step waits for (services/pajak/hooks.py)."""

from __future__ import annotations

from fastapi import FastAPI

from services.pajak import billing, demo, store
from tests.support.apps import runtime_of

DEMO_NOP = demo.DEMO_OBJECTS[0]["nop"]
PAID_STEPS = {("bpprd-pbb-pembayaran", "pembayaran_bank")}


async def seed_bills(app: FastAPI) -> None:
    runtime = runtime_of(app)
    await demo.seed(runtime.sessions, runtime.cases.cipher, runtime.settings.pii_key,
                    runtime.clock())


async def before_action(app: FastAPI, sop_key: str, step_id: str, case_id: str) -> None:
    """What the bank does before a walker takes a bank step: it pays the case's code."""
    if (sop_key, step_id) not in PAID_STEPS:
        return
    runtime = runtime_of(app)
    async with runtime.sessions() as session:
        code = await store.kode_of_case(session, case_id)
        assert code is not None, "the pembayaran case has no payment code"
        now = runtime.clock()
        await billing.confirm(session, billing.Confirmation(
            bank="bank-uji", kode=code.kode, jumlah=code.jumlah,
            referensi=f"UJI-{case_id[:12]}", paid_at=now), now)
        await session.commit()
