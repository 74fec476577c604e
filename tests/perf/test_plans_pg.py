"""With many open cases in a PostgreSQL service database, the sweeper's queries (its five
timers) and the inbox read through their indexes: no plan has a sequential scan of ``cases``
(EXPLAIN of the statements the store really sends). The gateway's inbox the same on
``tracked_cases``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gateway.tracking import queries as tracking_queries
from services.dukcapil.app import create_app
from shared.db import migrate
from shared.engine.state import Principal
from tests.gateway.routing.harness import gateway_stack
from tests.perf.bulk import clone_cases, clone_tracked, vacuum
from tests.perf.statements import recorded
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.kia import open_kia
from tests.support.tokens import TestTokens

pytestmark = pytest.mark.integration
TOKENS = TestTokens()
COPIES = 20_000
ROLES = ("operator", "kabid", "kepala_dinas", "operator_siak", "petugas_loket")
"""The copies' step holders in turn (a realistic spread: each scope holds a fifth)."""
OFFICER = Principal(subject="op-1", roles=frozenset({"disdukcapil:operator",
                                                     "disdukcapil:kabid"}))


async def _plans(engine: AsyncEngine, call: Callable[[AsyncSession], Awaitable[Any]]
                 ) -> list[str]:
    """The EXPLAIN of every statement ``call`` sends, each run again on the same data."""
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        with recorded(engine) as seen:
            await call(session)
        await session.rollback()
    plans = []
    async with engine.connect() as conn:
        for statement, params in seen:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            rows = (await conn.exec_driver_sql("EXPLAIN " + statement, params)).all()
            plans.append("\n".join(str(r[0]) for r in rows))
    assert plans, "the call sent no SELECT"
    return plans


async def test_sweeper_and_inbox_plans_use_the_indexes(tmp_path: Path, fresh_pg_url: str
                                                       ) -> None:
    await asyncio.to_thread(migrate.upgrade, fresh_pg_url, "head")
    app = create_app(service_settings("dukcapil", fresh_pg_url, tmp_path, migrate=False),
                     wiring(TOKENS))
    async with running(app) as client:
        opened = await open_kia(client, TOKENS.headers("warga-a", "citizen"))
        runtime = runtime_of(app)
        now = runtime.clock()
        async with runtime.db.begin() as conn:
            await clone_cases(conn, opened["case_id"], COPIES, now, roles=ROLES)
        await vacuum(runtime.db, "cases", "case_documents")
        store = runtime.store
        later = now + timedelta(hours=1)
        calls: dict[str, Callable[[AsyncSession], Awaitable[Any]]] = {
            "overdue": lambda s: store.due_for_overdue(s, later, 200),
            "reminder": lambda s: store.due_for_reminder(s, later, 200),
            "escalation": lambda s: store.due_for_escalation(s, later, 200),
            "auto_complete": lambda s: store.due_for_auto_complete(s, later, 200),
            "expiry": lambda s: store.due_for_expiry(s, later, 200),
            "inbox": lambda s: store.list_cases(
                s, scopes=[("disdukcapil", "operator"), ("disdukcapil", "kabid")], limit=20),
            "mine": lambda s: store.list_cases(s, applicant="warga-7", limit=20),
        }
        for name, call in calls.items():
            for plan in await _plans(runtime.db, call):
                assert "Seq Scan on cases" not in plan, f"{name}:\n{plan}"
        async with runtime.sessions() as session:
            rows, total = await store.list_cases(session, scopes=[("disdukcapil", "operator")],
                                                 limit=20)
            late = await store.due_for_overdue(session, now, 1000)
        assert len(rows) == 20 and total == 1000  # capped: "1000 or more"
        assert len(late) == COPIES // 100
        with recorded(runtime.db) as seen:
            overdue, _ = await runtime.sweeper.run_once()
        assert overdue == len(late)  # one batch of 200 flagged, each with history and event
        notify = [q for q, _ in seen if "pg_notify" in q]
        assert len(notify) == 1, len(notify)  # one wake-up for the pass, not one per case
        assert len(seen) < 40, len(seen)  # the writes go in batches, not one per case


async def test_gateway_inbox_plan_uses_the_index(tmp_path: Path, fresh_pg_url: str) -> None:
    async with gateway_stack(tmp_path, database_url=fresh_pg_url) as stack:
        case = await stack.open_kia(stack.headers("warga-a", "citizen"))
        await stack.sync()
        engine = stack.runtime.db
        now = stack.clock()
        async with engine.begin() as conn:
            await clone_tracked(conn, case["id"], COPIES, now, roles=ROLES)
        await vacuum(engine, "tracked_cases")
        for state in ("open", "all", "overdue"):
            def call(s: AsyncSession, state: str = state) -> Awaitable[Any]:
                return tracking_queries.inbox(s, OFFICER, now, state=state, service=None,
                                              sop=None, limit=20, offset=0)

            for plan in await _plans(engine, call):
                assert "Seq Scan on tracked_cases" not in plan, f"{state}:\n{plan}"
        async with stack.runtime.sessions() as session:
            rows, total = await tracking_queries.inbox(
                session, OFFICER, now, state="open", service=None, sop=None, limit=20,
                offset=0)
        assert len(rows) == 20 and total == 1000
        dues = [r.step_due_at for r in rows]
        assert None not in dues and dues[0] is not None and dues[0] < now
        assert dues == sorted(d for d in dues if d is not None)
