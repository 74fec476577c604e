"""On PostgreSQL an act's writes are one statement (shared.cases.writes): the case UPDATE,
the history and outbox INSERTs as data-modifying CTEs and the commit signal's pg_notify. A
transition of several entries (an automatic step after the officer's) keeps every row, the
history's order and the outbox's publishing order (its serial ids), and the signal reaches a
listener once the transaction commits; the row takes the new values as committed."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from services.dukcapil.app import create_app
from shared.cases.writes import write_transition
from shared.db import raw
from shared.events.outbox_signal import CHANNEL
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.kia import FORM, KIA, PDF
from tests.support.tokens import TestTokens

pytestmark = pytest.mark.integration
TOKENS = TestTokens()


@pytest.fixture
async def service(pg_url: str, tmp_path: Path
                  ) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient, str]]:
    admin = os.environ["HALO_TEST_PG_ADMIN_URL"].replace("postgresql+asyncpg://",
                                                         "postgresql://", 1)
    name = f"halo_t_{uuid.uuid4().hex[:12]}"
    url = f"{admin.rsplit('/', 1)[0]}/{name}"
    await _admin(admin, f'CREATE DATABASE "{name}"')
    app = create_app(service_settings("dukcapil", url.replace("postgresql://",
                                                              "postgresql+asyncpg://", 1),
                                      tmp_path), wiring(TOKENS))
    try:
        async with running(app) as client:
            yield app, client, url
    finally:
        await _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _entry(case_id: str, seq: int, at: datetime, step: str, following: str) -> dict[str, Any]:
    return {"case_id": case_id, "seq": seq, "event": "case.advanced", "at": at,
            "sop_version": 1, "step_id": step, "action": "teruskan", "next_step_id": following,
            "actor_id": "petugas-operator", "actor_role": "operator",
            "actor_agency": "disdukcapil", "status": "in_progress", "due_at": None,
            "comment": None, "documents": ["berkas_persyaratan"], "data": {"n": seq}}


def _event(case_id: str, n: int, at: datetime) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "topic": "halo.dukcapil.case", "key": case_id,
            "payload": json.dumps({"n": n}), "created_at": at, "attempts": 0}


async def test_a_transition_of_two_entries_is_one_statement_in_order(
        service: tuple[FastAPI, httpx.AsyncClient, str]) -> None:
    app, client, url = service
    opened = await client.post(
        "/cases", headers=TOKENS.headers("warga-w", "citizen"), files={
            "berkas_persyaratan": PDF},
        data={"data": json.dumps({"sop_key": KIA, "form": FORM})})
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["case_id"]
    listener = await asyncpg.connect(url)
    heard: list[str] = []
    await listener.add_listener(CHANNEL, lambda *args: heard.append(args[3]))
    sent: list[str] = []
    raw.OBSERVERS.append(lambda sql, args: sent.append(sql))
    at = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    history = [_entry(case_id, 2, at, "verifikasi_permohonan", "verifikasi_berkas"),
               _entry(case_id, 3, at + timedelta(seconds=1), "verifikasi_berkas", "tte")]
    outbox = [_event(case_id, 2, at), _event(case_id, 3, at)]
    runtime = runtime_of(app)
    try:
        async with runtime.sessions() as session:
            row = await runtime.store.get(session, case_id, lock=True)
            assert row is not None
            values = {"seq": 3, "step_id": "tte_kadis", "updated_at": at}
            await write_transition(session, row, values, history, outbox, "dukcapil")
            assert (row.seq, row.step_id) == (3, "tte_kadis")
            assert heard == []  # not before the commit
            await session.commit()
        for _ in range(50):
            if heard:
                break
            await asyncio.sleep(0.02)
    finally:
        raw.OBSERVERS.pop()
        await listener.close()
    assert len(sent) == 1 and sent[0].startswith("WITH "), sent
    assert heard == ["dukcapil"]
    check = await asyncpg.connect(url)
    try:
        case = await check.fetchrow("SELECT seq, step_id FROM cases WHERE id = $1", case_id)
        seqs = await check.fetch("SELECT seq, data FROM case_history WHERE case_id = $1 "
                                 "ORDER BY seq", case_id)
        events = await check.fetch("SELECT event_id FROM outbox WHERE key = $1 ORDER BY id",
                                   case_id)
    finally:
        await check.close()
    assert (case["seq"], case["step_id"]) == (3, "tte_kadis")
    assert [r["seq"] for r in seqs] == [1, 2, 3]
    assert [json.loads(r["data"]) for r in seqs[1:]] == [{"n": 2}, {"n": 3}]
    assert [r["event_id"] for r in events][-2:] == [e["event_id"] for e in outbox]
