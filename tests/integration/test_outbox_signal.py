"""The worker's relay is woken by the commit signal of new outbox rows (PostgreSQL
LISTEN/NOTIFY), not by its poll: with a poll interval of a minute, events still leave within
seconds, also after the listening connection was killed and reopened."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import asyncpg
import pytest

from services.dukcapil.app import create_app
from shared.events.envelope import case_topic
from shared.events.memory import InProcessBus
from shared.events.outbox_signal import CHANNEL, asyncpg_dsn, listen
from shared.events.relay import OutboxRelay
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.tokens import TestTokens

pytestmark = pytest.mark.integration
FORM = {"nik_anak": "1801011705230001", "nama_anak": "Anak Uji", "tanggal_lahir_anak":
        "2023-05-17", "nomor_kk": "1801010101010002", "pengambilan": "unduh_halo_lamsel"}
POLL_S = 60.0  # far longer than the test may take: only the signal can wake the relay


async def _published(bus: InProcessBus) -> int:
    return sum(bus.end_offsets(case_topic("dukcapil")))


async def _until(bus: InProcessBus, count: int, within_s: float = 15.0) -> None:
    deadline = time.monotonic() + within_s
    while await _published(bus) < count:
        assert time.monotonic() < deadline, f"{await _published(bus)} of {count} published"
        await asyncio.sleep(0.05)


async def _kill_listeners(url: str) -> int:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        rows = await conn.fetch("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE query LIKE $1 AND pid <> pg_backend_pid()",
                                f"LISTEN%{CHANNEL}%")
        return len(rows)
    finally:
        await conn.close()


async def test_commit_signal_wakes_a_relay_in_another_process(fresh_pg_url: str,
                                                              tmp_path: Path) -> None:
    tokens = TestTokens()
    bus = InProcessBus()
    app = create_app(service_settings("dukcapil", fresh_pg_url, tmp_path), wiring(tokens, bus))
    citizen = tokens.headers("warga-1")
    async with running(app) as client:
        runtime = runtime_of(app)
        relay = OutboxRelay(runtime.sessions, bus, "dukcapil", idle_seconds=POLL_S)
        stop = asyncio.Event()
        wakes: list[float] = []

        def wake() -> None:
            wakes.append(time.monotonic())
            relay.notify()

        tasks = [asyncio.create_task(relay.run(stop)),
                 asyncio.create_task(listen(fresh_pg_url, "dukcapil", wake, stop,
                                            retry_seconds=0.2))]
        try:
            await asyncio.sleep(0.5)  # the relay has found nothing and sleeps for POLL_S
            assert await _published(bus) == 0

            async def submit() -> None:
                response = await client.post(
                    "/cases", headers=citizen,
                    data={"data": json.dumps({"sop_key": "dukcapil-kia-0-5-tahun",
                                              "form": FORM})},
                    files={"berkas_persyaratan": ("b.pdf", b"%PDF-1.4 x", "application/pdf")})
                assert response.status_code == 201, response.text

            await submit()
            await _until(bus, 1)
            assert await _kill_listeners(fresh_pg_url) == 1
            await asyncio.sleep(0.5)  # the listener notices and reconnects
            await submit()
            await _until(bus, 2)
            # A signal for another service's outbox does not wake this relay.
            before = len(wakes)
            conn = await asyncpg.connect(asyncpg_dsn(fresh_pg_url))
            try:
                await conn.execute("SELECT pg_notify($1, 'pajak')", CHANNEL)
                await conn.execute("SELECT pg_notify($1, 'dukcapil')", CHANNEL)
            finally:
                await conn.close()
            deadline = time.monotonic() + 10
            while len(wakes) == before:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)
            assert len(wakes) == before + 1  # the dukcapil signal, not the pajak one
        finally:
            stop.set()
            await asyncio.gather(*tasks)
