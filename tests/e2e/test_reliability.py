"""Reliability of the distributed mode under load (issue 10): a ``kill -9`` of the dukcapil
HTTP process and of its worker, then a PostgreSQL restart, each during a bounded load of KIA
0–5 submissions and officer actions through the gateway (``tests/support/distributed_load``).

After each: every request answered 2xx is in the dukcapil database, every committed
transition is on the dukcapil topic (the raw topic may hold redelivered copies: counted), and
the gateway's tracking read model, the topic's consumer, applied each exactly once in seq
order (its tables and the tracking API). While a process or the database is away the gateway
answers 502/503/504 problems, never a 500. Each test prints its figures on one line
(``docs/reliability.md``). The PostgreSQL restart runs last in the package (the distributed
mode is shared with test_distributed) and PostgreSQL runs again when it ends, pass or fail.
The Kafka broker restart is tests/integration/test_outbox_kafka_outage.py.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import ROOT, distributed_env, distributed_sh
from tests.support.distributed_checks import (
    db_now,
    expire_leases,
    settled,
    timelines,
    topic_view,
    tracking_numbers,
    wait_tracked,
)
from tests.support.distributed_load import GATEWAY, Load, LoadRecord, demo_identities

pytestmark = pytest.mark.integration
RUN = ROOT / "var" / "run"
HTTP_PORTS = {"gateway": 8000, "dukcapil": 8101, "perizinan": 8102, "pengaduan": 8103,
              "damkar": 8104, "pajak": 8105, "kepegawaian": 8106, "umum": 8107}
READY_S = 180  # the machine is shared: generous, the load itself is bounded


def _pid(name: str) -> int:
    return int((RUN / f"{name}.pid").read_text())


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


async def _kill9(name: str) -> None:
    pid = _pid(name)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while _alive(pid):
        assert time.monotonic() < deadline, f"{name} ({pid}) outlived kill -9"
        await asyncio.sleep(0.05)


async def _up() -> float:
    """``distributed.sh up`` (restarts what is not running); the seconds it took."""
    started = time.monotonic()
    up = await asyncio.to_thread(distributed_sh, "up", HALO_SKIP_MIGRATE="1")
    assert up.returncode == 0, up.stdout + up.stderr
    return time.monotonic() - started


def _postgres_sh(command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROOT / "deploy" / "local" / "postgres.sh"), command], cwd=ROOT,
                          env=distributed_env(), capture_output=True, text=True, timeout=180,
                          check=False)


async def _all_ready(timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(timeout=10) as http:
        for name, port in HTTP_PORTS.items():
            while True:
                try:
                    ready = (await http.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200
                except httpx.HTTPError:
                    ready = False
                if ready:
                    break
                assert time.monotonic() < deadline, f"{name} not ready after {timeout_s}s"
                await asyncio.sleep(0.2)


def _answers_are_problems(record: LoadRecord) -> Counter[int]:
    """Every 5xx is a 502/503/504 problem+json (never a 500); the gateway answered every
    request. The 5xx by status."""
    errors = record.errors()
    assert not record.transport_errors, record.transport_errors
    assert [a for a in errors if a.status == 500] == []
    assert all(a.status in (502, 503, 504) and a.problem for a in errors), Counter(
        (a.status, a.code) for a in errors)
    return Counter(a.status for a in errors)


async def _nothing_lost(record: LoadRecord, since: datetime, citizen: dict[str, str],
                        bootstrap: str) -> str:
    """The checks after a load; their figures as text."""
    db, outbox = await settled(since, READY_S)
    assert set(record.submitted) - db.cases == set(), "a 201 submission is not in the database"
    assert set(record.submitted) <= db.with_document
    assert set(record.acted) - db.actions == set(), "a 200 action is not in the case history"
    committed = {(c, seq) for c, h in db.history.items() for seq, _ in h}
    assert {(e.case_id, e.seq) for e in outbox.values()} == committed
    topic = await topic_view(bootstrap, db.cases)
    assert set(outbox) - set(topic.events) == set(), "a committed transition is not on the topic"
    assert set(topic.events) == set(outbox)
    tracked = await wait_tracked(db.history, READY_S)
    by_seq = {(e.case_id, e.seq): e.event_id for e in outbox.values()}
    once = 0
    for case_id, history in db.history.items():
        rows = tracked.get(case_id, [])
        assert [seq for seq, _, _ in rows] == [seq for seq, _ in history], case_id
        assert [(seq, t) for seq, _, t in rows] == history
        assert [eid for _, eid, _ in rows] == [by_seq[(case_id, s)] for s, _ in history]
        once += len(rows)
    seen = await timelines(GATEWAY, citizen, await tracking_numbers(db.cases))
    assert seen == db.history, "a tracking timeline differs from the case history"
    return (f"{len(db.cases & set(record.submitted))}/{len(record.submitted)} in database "
            f"(+{len(db.cases) - len(record.submitted)} committed unanswered), "
            f"{len(record.acted)} actions in history, {db.transitions} transitions, "
            f"{len(topic.events)} in topic (+{topic.duplicates} duplicates), "
            f"applied once: {once}/{db.transitions}")


def _figures(capsys: pytest.CaptureFixture[str], line: str) -> None:
    with capsys.disabled():
        print(f"\n[reliability] {line}")


async def test_kill_9_of_the_dukcapil_process_and_worker_under_load(
        distributed: None, kafka_bootstrap: str, capsys: pytest.CaptureFixture[str]) -> None:
    citizen, officers = demo_identities()
    since = await db_now()
    load = Load(citizen, officers, clients=6, max_requests=4000)
    running = asyncio.create_task(load.run())
    try:
        await load.until(submit=8, act=16)
        load.phase = "down"
        killed_at = time.monotonic()
        await _kill9("dukcapil")
        await _up()
        restart_s = time.monotonic() - killed_at
        load.phase = "after"
        await load.until(submit=3, act=8)
        worker_pid = _pid("dukcapil-worker")
        await _kill9("dukcapil-worker")
        worker_killed_at = await db_now()
        worker_s = await _up()
        assert _pid("dukcapil-worker") != worker_pid and _alive(_pid("dukcapil-worker"))
        await load.until(submit=10, act=30)
    finally:
        load.stop()
        record = await running
    leases = await expire_leases(worker_killed_at)
    errors = _answers_are_problems(record)
    refused = record.count("down") - record.ok("down")
    assert refused > 0, "the load did not reach the service while it was down"
    after = record.ok_kinds("after")
    assert after["submit"] > 0 and after["act"] > 0, record.summary()
    checked = await _nothing_lost(record, since, citizen, kafka_bootstrap)
    _figures(capsys, f"kill -9 dukcapil: {record.count()} requests, {record.ok()} 2xx, "
             f"{refused} refused while down ({dict(errors)}, 0 × 500), restart "
             f"{restart_s:.1f} s, worker restart {worker_s:.1f} s ({leases} output leases ended), "
             f"{checked}")


async def test_postgresql_restart_under_load(
        distributed: None, kafka_bootstrap: str, capsys: pytest.CaptureFixture[str]) -> None:
    citizen, officers = demo_identities()
    since = await db_now()
    pids = {p.stem: int(p.read_text()) for p in RUN.glob("*.pid")}
    load = Load(citizen, officers, clients=6, max_requests=4000)
    running = asyncio.create_task(load.run())
    try:
        await load.until(submit=8, act=16)
        load.phase = "down"
        stopped = await asyncio.to_thread(_postgres_sh, "stop")
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
        down_at = time.monotonic()
        await asyncio.sleep(3)
        started = await asyncio.to_thread(_postgres_sh, "start")
        assert started.returncode == 0, started.stdout + started.stderr
        outage_s = time.monotonic() - down_at
        back_at = time.monotonic()
        await _all_ready(READY_S)
        recovered_s = time.monotonic() - back_at
        load.phase = "after"
        await load.until(submit=8, act=16)
    finally:
        load.stop()
        record = await running
        # The rest of the suite shares this PostgreSQL: it runs again, whatever happened.
        again = _postgres_sh("start")
        assert again.returncode == 0, again.stdout + again.stderr
    assert {n: pid for n, pid in pids.items() if _alive(pid)} == pids, "a process restarted"
    assert {p.stem: int(p.read_text()) for p in RUN.glob("*.pid")} == pids
    errors = _answers_are_problems(record)
    refused = record.count("down") - record.ok("down")
    assert refused > 0, "the load did not meet the outage"
    after = record.ok_kinds("after")
    assert after["submit"] > 0 and after["act"] > 0, record.summary()
    checked = await _nothing_lost(record, since, citizen, kafka_bootstrap)
    _figures(capsys, f"PostgreSQL restart: {record.count()} requests, {record.ok()} 2xx, "
             f"{refused} refused during the outage ({dict(errors)}, 0 × 500), outage "
             f"{outage_s:.1f} s, all ready {recovered_s:.1f} s after the start, no process "
             f"restarted, {checked}")
