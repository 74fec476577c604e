"""The act endpoint against its two ceilings, measured in the same run.

Method
------
Per repetition, in turn (the order alternates between repetitions):

* ``act``: ``POST /cases/{id}/actions`` through the dukcapil service behind uvicorn, as
  ``bench/service_act_pg.py --mode uvicorn`` measures it (its code, its database with
  ``synchronous_commit = on``).
* ``asgi``: a bare ASGI app (no framework) behind the same uvicorn settings (``_serve`` in
  ``bench/common.py``), answering every request with a JSON body of the act answer's size
  (``--body-bytes``, default 1,540: the KIA ``serahkan`` answer); driven by the same httpx client
  pool, with the same request (path, officer token header, JSON action body). The ceiling of
  HTTP + client on this machine.
* ``asyncpg``: raw asyncpg (a pool of ``--concurrency`` connections, the server's prepared
  statements) doing the act's SQL on the service's own tables, one transaction per act: the
  case row ``FOR UPDATE``, ``pg_notify``, the case ``UPDATE``, the history ``INSERT``, the outbox
  ``INSERT ... RETURNING``, the case's documents and its outputs (the 7 statements a KIA act
  makes, counted with a ``before_cursor_execute`` listener), on a database migrated by the
  app and holding the same number of cases, with ``synchronous_commit = on``. The ceiling of
  the database work.

Each side keeps ``--concurrency`` requests (transactions) in flight for the same number of
acts; reported: per second, p50/p99, median and range over ``--reps``, and the act's ratio
to each ceiling within the same repetition.

    PYTHONPATH=. .venv/bin/python bench/ceilings.py [--quick] [--transitions N]
        [--concurrency C] [--reps R] [--body-bytes B] [--sides act,asgi,asyncpg]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import asyncpg
import httpx
from fastapi import FastAPI

from bench.common import WALK, Kia, UvicornChild, build_app, percentile, run_pool, spread
from bench.loadclient import LoadClient
from bench.service_act_pg import TOKENS, Result, act_database, uvicorn_mode
from tests.support.apps import running

ACT_SQL = [
    "SELECT * FROM cases WHERE id = $1 FOR UPDATE",
    "SELECT pg_notify($1, $2)",
    "UPDATE cases SET step_id = $1, step_entered_at = $2, remind_at = NULL, seq = seq + 1, "
    "updated_at = $2 WHERE id = $3 RETURNING seq, sop_version",
    "INSERT INTO case_history (case_id, seq, event, at, sop_version, step_id, action, "
    "next_step_id, actor_id, actor_role, actor_agency, status, due_at, comment, documents, "
    "data) VALUES ($1, $2, 'case.advanced', $3, $4, 'verifikasi', 'teruskan', 'berikutnya', "
    "'petugas-operator', 'operator', 'disdukcapil', 'open', $3, NULL, '[]', '{}')",
    "INSERT INTO outbox (event_id, topic, key, payload, created_at, sent_at, attempts) "
    "VALUES ($1, 'halo.dukcapil.case-events.v1', $2, $3, $4, NULL, 0) RETURNING id",
    "SELECT * FROM case_documents WHERE case_id = $1",
    "SELECT * FROM case_outputs WHERE case_id = $1",
]
PAYLOAD = json.dumps({"event": "case.advanced", "data": {"x": "y" * 600}})


def bare_app(body: bytes) -> Callable[..., Any]:
    """An ASGI app answering every request 200 with ``body`` as JSON (after reading the
    request body, as the act does)."""
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode())]

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                kind = message["type"].rsplit(".", 1)[-1]
                await send({"type": f"lifespan.{kind}.complete"})
                if kind == "shutdown":
                    return
        more = True
        while more:
            more = (await receive()).get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
    return app


def asgi_ceiling(acts: int, concurrency: int, body_bytes: int, lean: bool = True) -> Result:
    body = json.dumps({"pad": "x" * max(0, body_bytes - 11)}).encode()
    child = UvicornChild(lambda: cast(FastAPI, bare_app(body)))
    child.start()
    try:
        async def client_side() -> Result:
            await child.wait_ready()
            limits = httpx.Limits(max_connections=concurrency,
                                  max_keepalive_connections=concurrency)
            headers = Kia(httpx.AsyncClient(), TOKENS).officer("operator")
            latencies: list[float] = []
            action = json.dumps({"action": "teruskan", "step": "x"}).encode()
            lean_client = LoadClient(child.base_url, concurrency) if lean else None
            async with httpx.AsyncClient(base_url=child.base_url, limits=limits,
                                         timeout=60) as client:
                async def once(i: int) -> None:
                    start = time.perf_counter()
                    path = f"/cases/{uuid.uuid4()}/actions"
                    if lean_client is not None:
                        status, raw = await lean_client.request("POST", path, headers, action)
                    else:
                        response = await client.post(path, headers=headers,
                                                     json={"action": "teruskan", "step": "x"})
                        status, raw = response.status_code, response.content
                    assert status == 200 and len(raw) == len(body)
                    latencies.append(time.perf_counter() - start)
                await run_pool(concurrency, list(range(50)), once)  # warm-up
                latencies.clear()
                t0 = time.perf_counter()
                await run_pool(concurrency, list(range(acts)), once)
                took = time.perf_counter() - t0
            if lean_client is not None:
                await lean_client.close()
            return Result(0, 1.0, len(latencies), took, latencies)
        return asyncio.run(client_side())
    finally:
        child.stop()


async def _cases(url: str, cases: int) -> list[str]:
    """Migrate the database through the app and open ``cases`` KIA cases in it."""
    with tempfile.TemporaryDirectory(prefix="halo-bench-") as tmp:
        async with running(build_app(url, Path(tmp), TOKENS)) as client:
            kia = Kia(client, TOKENS)
            ids: list[str] = []

            async def open_one(i: int) -> None:
                ids.append(await kia.open_case(kia.citizen(i)))
            await run_pool(8, list(range(cases)), open_one)
            return ids


async def asyncpg_ceiling(acts: int, concurrency: int) -> Result:
    cases = max(1, acts // len(WALK))
    url = await act_database("halo_bench_ceiling_pg")
    ids = await _cases(url, cases)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    latencies: list[float] = []
    async with asyncpg.create_pool(dsn, min_size=concurrency, max_size=concurrency) as pool:
        async def act(case_id: str) -> None:
            start = time.perf_counter()
            now = datetime.now(UTC)
            async with pool.acquire() as conn, conn.transaction():
                row = await conn.fetchrow(ACT_SQL[0], case_id)
                assert row is not None
                await conn.execute(ACT_SQL[1], "halo_outbox", "dukcapil")
                seq, version = await conn.fetchrow(ACT_SQL[2], "berikutnya", now, case_id)
                await conn.execute(ACT_SQL[3], case_id, seq, now, version)
                await conn.fetchval(ACT_SQL[4], str(uuid.uuid4()), case_id, PAYLOAD, now)
                await conn.fetch(ACT_SQL[5], case_id)
                await conn.fetch(ACT_SQL[6], case_id)
            latencies.append(time.perf_counter() - start)

        async def job(item: tuple[str, int]) -> tuple[str, int] | None:
            await act(item[0])
            return (item[0], item[1] + 1) if item[1] + 1 < len(WALK) else None
        await run_pool(concurrency, [(c, 0) for c in ids[:concurrency]], job)  # warm-up
        latencies.clear()
        t0 = time.perf_counter()
        await run_pool(concurrency, [(c, 0) for c in ids], job)
        took = time.perf_counter() - t0
    assert len(latencies) == cases * len(WALK)
    return Result(cases, 1.0, len(latencies), took, latencies)


def _line(r: Result) -> str:
    return (f"{r.acts} in {r.act_s:.2f}s = {r.tps:,.0f}/s, "
            f"p50 {percentile(r.latencies, 50) * 1000:.1f} ms, "
            f"p99 {percentile(r.latencies, 99) * 1000:.1f} ms"
            + (f", {r.cpu_text()}" if r.cpu_s is not None else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 acts, 1 repetition")
    parser.add_argument("--transitions", type=int, help="acts per side and repetition (2000)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--reps", type=int, help="repetitions (default 3)")
    parser.add_argument("--body-bytes", type=int, default=1540)
    parser.add_argument("--client", choices=["lean", "httpx"], default="lean",
                        help="client of the act and asgi sides (default: bench/loadclient.py)")
    parser.add_argument("--sides", help="comma-separated sides to run (default: all three)")
    args = parser.parse_args()
    acts = args.transitions or (500 if args.quick else 2000)
    reps = args.reps or (1 if args.quick else 3)
    cases = max(1, acts // len(WALK))
    lean = args.client == "lean"
    sides: dict[str, Callable[[], Result]] = {
        "act": lambda: uvicorn_mode("halo_bench_act_uvicorn", cases, args.concurrency,
                                    lean=lean),
        "asgi": lambda: asgi_ceiling(cases * len(WALK), args.concurrency, args.body_bytes,
                                     lean),
        "asyncpg": lambda: asyncio.run(asyncpg_ceiling(cases * len(WALK), args.concurrency)),
    }
    if args.sides:
        sides = {name: sides[name] for name in args.sides.split(",")}
    print(f"act endpoint and its ceilings: {cases * len(WALK)} acts per side, concurrency "
          f"{args.concurrency}, {reps} reps, {args.client} client")
    results: dict[str, list[Result]] = {name: [] for name in sides}
    for rep in range(reps):
        order = list(sides) if rep % 2 == 0 else list(reversed(sides))
        for name in order:
            results[name].append(sides[name]())
            print(f"  rep {rep + 1} {name:<8}: {_line(results[name][-1])}", flush=True)
    for name, rs in results.items():
        print(f"{name:<8} per s {spread([r.tps for r in rs], ',.0f')}  "
              f"p50 ms {spread([percentile(r.latencies, 50) * 1000 for r in rs])}  "
              f"p99 ms {spread([percentile(r.latencies, 99) * 1000 for r in rs])}")
    for ceiling in ("asyncpg", "asgi"):
        if "act" not in results or ceiling not in results:
            continue
        ratios = [a.tps / c.tps for a, c in zip(results["act"], results[ceiling], strict=True)]
        print(f"ratio act/{ceiling} {spread(ratios, '.2f')}")


if __name__ == "__main__":
    main()
