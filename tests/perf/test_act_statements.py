"""An officer action (``POST /cases/{id}/actions``) costs a fixed number of SQL statements:
the KIA walk's five actions, counted with a ``before_cursor_execute`` listener (SQLite, and
PostgreSQL in the integration tier, on a fresh database). The ping a pool may send before a
checkout never reaches the cursor, so it is checked apart (tests/shared/web/
test_pool_without_ping.py)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from services.dukcapil.app import create_app
from tests.perf.statements import recorded
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.kia import FORM, KIA, PDF
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
CITIZEN = TOKENS.headers("warga-act", "citizen")
WALK = [("operator", "teruskan", "verifikasi_permohonan"),
        ("operator", "lengkap", "verifikasi_berkas"),
        ("kabid", "sampaikan_ke_kadis", "verifikasi_siak"),
        ("kepala_dinas", "tte", "tte_kadis"),
        ("operator", "serahkan", "penyerahan")]
# Per action: the case row locked, the outbox signal, the case UPDATE, the history and outbox
# INSERTs, the answer's documents and outputs; ``tte`` and ``serahkan`` also read and write
# what they issue (the output, the SIAK record).
MOST = {"teruskan": 7, "lengkap": 7, "sampaikan_ke_kadis": 7, "tte": 9, "serahkan": 10}
# On PostgreSQL ``tte`` takes the document's number and inserts the output in one statement
# (shared/outputs/numbered_insert.py).
MOST_ON_POSTGRES = {**MOST, "tte": 8}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
async def service(request: pytest.FixtureRequest, tmp_path: Path
                  ) -> AsyncIterator[tuple[object, httpx.AsyncClient]]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'dukcapil.db'}"
    else:
        request.getfixturevalue("pg_url")  # skips without the integration tier
        admin = os.environ["HALO_TEST_PG_ADMIN_URL"]
        name = f"halo_t_{uuid.uuid4().hex[:12]}"
        url = f"{admin.rsplit('/', 1)[0]}/{name}"
        await _admin(admin, f'CREATE DATABASE "{name}"')
    app = create_app(service_settings("dukcapil", url, tmp_path), wiring(TOKENS))
    try:
        async with running(app) as client:
            yield app, client
    finally:
        if request.param != "sqlite":
            await _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def test_each_officer_action_sends_a_fixed_number_of_statements(
        service: tuple[object, httpx.AsyncClient]) -> None:
    app, client = service
    opened = await client.post(
        "/cases", headers=CITIZEN, data={"data": json.dumps({"sop_key": KIA, "form": FORM})},
        files={"berkas_persyaratan": PDF})
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["case_id"]
    engine = runtime_of(app).db  # type: ignore[arg-type]
    counts: dict[str, int] = {}
    for role, action, step in WALK:
        officer = TOKENS.headers(f"petugas-{role}", f"disdukcapil:{role}")
        with recorded(engine) as seen:
            answer = await client.post(f"/cases/{case_id}/actions", headers=officer,
                                       json={"action": action, "step": step})
        assert answer.status_code == 200, answer.text
        counts[action] = len(seen)
        # The count sees the writes wherever they go (SQLAlchemy, or the driver connection
        # on PostgreSQL, shared/db/raw.py): exactly one history and one outbox insert.
        inserts = [s.split("(")[0].replace('"', "").split()[-1] for s, _ in seen
                   if s.lstrip().upper().startswith("INSERT INTO")]
        assert inserts.count("case_history") == 1 and inserts.count("outbox") == 1, inserts
    assert answer.json()["status"] == "completed"
    most = MOST_ON_POSTGRES if engine.dialect.name == "postgresql" else MOST
    assert all(counts[a] <= most[a] for a in most), counts
