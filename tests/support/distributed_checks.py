"""What a load left behind in the distributed mode, read where it physically is: the dukcapil
database (cases, documents, case history, outbox), the dukcapil topic (raw records,
duplicates kept) and the gateway's tracking read model (its tables and the tracking API), for
the reliability tests (``tests/e2e/test_reliability.py``)."""

from __future__ import annotations

import asyncio
import inspect
import os
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx

from shared.events.envelope import EventEnvelope, case_topic
from shared.outputs.worker import OutputWorker
from tests.support.dukcapil_kafka import check_delivery
from tests.support.kafka_topics import read_topic

TOPIC = case_topic("dukcapil")
OUTPUT_LEASE_S = float(inspect.signature(OutputWorker).parameters["lease_s"].default)
"""How long an output the worker claimed stays its own (the worker processes use the default)."""
Transition = tuple[int, str]
"""(seq, event) of one case history row."""


def dsn(database: str) -> str:
    """A libpq address of ``database`` on the test tier's PostgreSQL."""
    url = os.environ["HALO_TEST_PG_URL"].replace("postgresql+asyncpg://", "postgresql://")
    return f"{url.rsplit('/', 1)[0]}/{database}"


async def fetch(database: str, query: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn(database), timeout=30)
    try:
        return list(await conn.fetch(query, *args))
    finally:
        await conn.close()


async def db_now() -> datetime:
    (row,) = await fetch("halo_dukcapil", "SELECT now() AS now")
    return row["now"]  # type: ignore[no-any-return]


async def expire_leases(killed_at: datetime) -> int:
    """End, now, the leases on outputs that a worker killed at ``killed_at`` had claimed and
    not finished (else they wait out the lease before another worker retries them); the
    number of outputs. A worker started later holds leases that end later: untouched."""
    conn = await asyncpg.connect(dsn("halo_dukcapil"), timeout=30)
    try:
        done = await conn.execute(
            "UPDATE case_outputs SET next_attempt_at = now() WHERE status = 'pending' "
            "AND next_attempt_at > now() AND next_attempt_at <= $1",
            killed_at + timedelta(seconds=OUTPUT_LEASE_S))
    finally:
        await conn.close()
    return int(done.split()[-1])


@dataclass
class Committed:
    """What the dukcapil database holds of the cases opened since a moment."""

    cases: set[str]
    with_document: set[str]
    history: dict[str, list[Transition]]
    actions: set[tuple[str, str, str]]
    """(case id, step, action) of every officer transition."""

    @property
    def transitions(self) -> int:
        return sum(len(h) for h in self.history.values())


async def committed_since(since: datetime) -> Committed:
    cases = {r["id"] for r in await fetch("halo_dukcapil",
                                          "SELECT id FROM cases WHERE created_at >= $1", since)}
    ids = sorted(cases)
    documents = {r["case_id"] for r in await fetch(
        "halo_dukcapil", "SELECT DISTINCT case_id FROM case_documents WHERE case_id = ANY($1)",
        ids)}
    rows = await fetch("halo_dukcapil", "SELECT case_id, seq, event, step_id, action "
                       "FROM case_history WHERE case_id = ANY($1) ORDER BY case_id, seq", ids)
    history: dict[str, list[Transition]] = defaultdict(list)
    actions: set[tuple[str, str, str]] = set()
    for r in rows:
        history[r["case_id"]].append((r["seq"], r["event"]))
        if r["action"]:
            actions.add((r["case_id"], r["step_id"], r["action"]))
    return Committed(cases, documents, dict(history), actions)


async def settled(since: datetime, timeout_s: float
                  ) -> tuple[Committed, dict[str, EventEnvelope]]:
    """Wait until the worker signed every output of the cases opened since ``since`` (its
    ``case.output_issued`` transition is written then) and its relay marked every outbox row of
    theirs sent; what the database then holds, and their events by id."""
    deadline = time.monotonic() + timeout_s
    while True:
        (busy,) = await fetch(
            "halo_dukcapil", "SELECT (SELECT count(*) FROM case_outputs o JOIN cases c "
            "ON c.id = o.case_id WHERE c.created_at >= $1 AND o.status = 'pending') AS outputs, "
            "(SELECT count(*) FROM outbox WHERE sent_at IS NULL) AS unsent", since)
        if busy["outputs"] == 0 and busy["unsent"] == 0:
            break
        assert time.monotonic() < deadline, f"not settled: {dict(busy)}"
        await asyncio.sleep(0.5)
    db = await committed_since(since)
    rows = await fetch("halo_dukcapil", "SELECT payload, sent_at FROM outbox "
                       "WHERE topic = $1 AND key = ANY($2)", TOPIC, sorted(db.cases))
    assert all(r["sent_at"] is not None for r in rows)
    envs = [EventEnvelope.from_bytes(r["payload"].encode()) for r in rows]
    return db, {e.event_id: e for e in envs}


@dataclass
class TopicView:
    events: dict[str, EventEnvelope]
    """The distinct events of the cases on the topic, by id."""
    raw: int
    duplicates: int


async def topic_view(bootstrap: str, cases: set[str]) -> TopicView:
    records = [r for r in await read_topic(bootstrap, TOPIC, timeout_s=120) if r[0] in cases]
    delivery = check_delivery(records)
    events = {}
    for _, _, value in records:
        env = EventEnvelope.from_bytes(value)
        events[env.event_id] = env
    return TopicView(events, delivery.raw, delivery.duplicates)


async def wait_tracked(history: dict[str, list[Transition]], timeout_s: float
                       ) -> dict[str, list[tuple[int, str, str]]]:
    """Wait until the gateway's read model applied the last transition of every case; its
    timeline rows (seq, event id, type) per case, in the order of their ids."""
    deadline = time.monotonic() + timeout_s
    ids = sorted(history)
    while True:
        rows = await fetch("halo_gateway", "SELECT case_id, last_seq FROM tracked_cases "
                           "WHERE case_id = ANY($1)", ids)
        last = {r["case_id"]: r["last_seq"] for r in rows}
        behind = [c for c in ids if last.get(c, 0) < history[c][-1][0]]
        if not behind:
            break
        assert time.monotonic() < deadline, f"tracking behind on {len(behind)} cases"
        await asyncio.sleep(0.5)
    rows = await fetch("halo_gateway", "SELECT case_id, seq, event_id, type FROM tracked_events "
                       "WHERE case_id = ANY($1) ORDER BY id", ids)
    out: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for r in rows:
        out[r["case_id"]].append((r["seq"], r["event_id"], r["type"]))
    return dict(out)


async def timelines(gateway: str, citizen: dict[str, str], tracking_nos: dict[str, str]
                    ) -> dict[str, list[tuple[int, str]]]:
    """Each case's timeline as the citizen reads it from the gateway: (seq, type) entries."""
    out: dict[str, list[tuple[int, str]]] = {}
    limit = asyncio.Semaphore(4)
    async with httpx.AsyncClient(base_url=gateway, timeout=60) as http:
        async def one(case_id: str, tracking_no: str) -> None:
            async with limit:
                seen = await http.get(f"/api/v1/tracking/{tracking_no}", headers=citizen)
            assert seen.status_code == 200, seen.text
            out[case_id] = [(e["seq"], e["type"]) for e in seen.json()["timeline"]]
        await asyncio.gather(*(one(c, t) for c, t in tracking_nos.items()))
    return out


async def tracking_numbers(cases: set[str]) -> dict[str, str]:
    rows = await fetch("halo_dukcapil", "SELECT id, tracking_no FROM cases WHERE id = ANY($1)",
                       sorted(cases))
    return {r["id"]: r["tracking_no"] for r in rows}
