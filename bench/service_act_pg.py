"""Transitions per second and latency of ``POST /cases/{id}/actions`` on real PostgreSQL.

Method
------
The dukcapil service is built as the tests build it (``tests/support/apps.py``:
``service_settings`` with workers off, ``wiring`` with a test key set and the in-process
event bus), on a fresh PostgreSQL database (``halo_bench_act_<mode>``, dropped and created,
migrated by the app's lifespan). Two modes:

* ``asgi``: httpx through ``httpx.ASGITransport``, client and app in one event loop (no
  sockets: the cost of the app itself, plus the client sharing its CPU).
* ``uvicorn``: the app behind uvicorn (h11, asyncio loop, as ``services/run.py`` runs it) in a
  forked child process on a loopback port; the benchmark process drives it through one
  ``httpx.AsyncClient`` whose pool holds ``--concurrency`` keep-alive connections. Closer to
  production: HTTP parsing, a socket hop, server and client on separate cores.

In each mode: open ``--transitions / 5`` KIA cases first (``POST /cases``, multipart with the
required document; timed separately, reported for context), then keep ``--concurrency``
action requests in flight until every case has gone through its five officer actions
(``teruskan``, ``lengkap``, ``sampaikan_ke_kadis``, ``tte``, ``serahkan``): a queue of cases,
each worker posting the next action of the case it takes, so a case never has two requests
in flight. Every response must be 200 (the last one ``completed``). Each act is one
transaction: case row locked, history + outbox + audit (officer reads the PII) written,
committed before the response is sent.

Reported per mode: act transitions/s (actions / wall time of the act phase) and p50/p99
latency of the act requests as the client sees them; ``--reps`` repetitions, each on a fresh
database, median and range.

    PYTHONPATH=. .venv/bin/python bench/service_act_pg.py [--quick] [--mode asgi|uvicorn|both]
        [--transitions N] [--concurrency C] [--reps R]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.common import (
    WALK,
    Kia,
    UvicornChild,
    build_app,
    fresh_database,
    percentile,
    run_pool,
    spread,
)
from tests.support.apps import running
from tests.support.tokens import TestTokens

TOKENS = TestTokens()


@dataclass
class Result:
    cases: int
    open_s: float
    acts: int
    act_s: float
    latencies: list[float]

    @property
    def tps(self) -> float:
        return self.acts / self.act_s

    def line(self) -> str:
        return (f"{self.acts} acts in {self.act_s:.2f}s = {self.tps:,.0f} transitions/s, "
                f"p50 {percentile(self.latencies, 50) * 1000:.1f} ms, "
                f"p99 {percentile(self.latencies, 99) * 1000:.1f} ms "
                f"(opened {self.cases} cases at {self.cases / self.open_s:,.0f}/s)")


async def drive(client: httpx.AsyncClient, cases: int, concurrency: int) -> Result:
    kia = Kia(client, TOKENS)
    citizens = [kia.citizen(i) for i in range(cases)]
    warm = await kia.open_case(citizens[0])  # warm-up: first-request costs, not counted
    for k in range(len(WALK)):
        await kia.act(warm, k)

    opened: list[str] = []

    async def open_one(i: int) -> None:
        opened.append(await kia.open_case(citizens[i]))

    t0 = time.perf_counter()
    await run_pool(concurrency, list(range(cases)), open_one)
    open_s = time.perf_counter() - t0

    latencies: list[float] = []

    async def act_once(job: tuple[str, int]) -> tuple[str, int] | None:
        case_id, k = job
        start = time.perf_counter()
        await kia.act(case_id, k)
        latencies.append(time.perf_counter() - start)
        return (case_id, k + 1) if k + 1 < len(WALK) else None

    t1 = time.perf_counter()
    await run_pool(concurrency, [(c, 0) for c in opened], act_once)
    act_s = time.perf_counter() - t1
    assert len(latencies) == cases * len(WALK)
    return Result(cases, open_s, len(latencies), act_s, latencies)


async def asgi_mode(db: str, cases: int, concurrency: int) -> Result:
    url = await fresh_database(db)
    with tempfile.TemporaryDirectory(prefix="halo-bench-") as tmp:
        app = build_app(url, Path(tmp), TOKENS)
        async with running(app) as client:
            return await drive(client, cases, concurrency)


def uvicorn_mode(db: str, cases: int, concurrency: int) -> Result:
    url = asyncio.run(fresh_database(db))
    with tempfile.TemporaryDirectory(prefix="halo-bench-") as tmp:
        child = UvicornChild(lambda: build_app(url, Path(tmp), TOKENS))
        child.start()
        try:
            async def client_side() -> Result:
                await child.wait_ready()
                limits = httpx.Limits(max_connections=concurrency,
                                      max_keepalive_connections=concurrency)
                async with httpx.AsyncClient(base_url=child.base_url, limits=limits,
                                             timeout=60) as client:
                    return await drive(client, cases, concurrency)
            return asyncio.run(client_side())
        finally:
            child.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="short run (250 transitions, 1 repetition)")
    parser.add_argument("--mode", choices=["asgi", "uvicorn", "both"], default="both")
    parser.add_argument("--transitions", type=int,
                        help="act transitions per repetition (default 2000; 5 per case)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument("--reps", type=int, help="repetitions per mode (default 3)")
    args = parser.parse_args()
    transitions = args.transitions or (250 if args.quick else 2000)
    reps = args.reps or (1 if args.quick else 3)
    cases = max(1, transitions // len(WALK))
    modes = ["asgi", "uvicorn"] if args.mode == "both" else [args.mode]
    logging.getLogger().setLevel(logging.WARNING)

    print(f"service act on PostgreSQL: {cases} cases x {len(WALK)} acts = "
          f"{cases * len(WALK)} transitions, concurrency {args.concurrency}, {reps} reps")
    results: dict[str, list[Result]] = {m: [] for m in modes}
    for rep in range(reps):
        for mode in modes if rep % 2 == 0 else list(reversed(modes)):
            db = f"halo_bench_act_{mode}"
            if mode == "asgi":
                result = asyncio.run(asgi_mode(db, cases, args.concurrency))
            else:
                result = uvicorn_mode(db, cases, args.concurrency)
            results[mode].append(result)
            print(f"  rep {rep + 1} {mode:<7}: {result.line()}")
    for mode in modes:
        rs = results[mode]
        print(f"{mode:<7} transitions/s {spread([r.tps for r in rs], ',.0f')}  "
              f"p50 ms {spread([percentile(r.latencies, 50) * 1000 for r in rs])}  "
              f"p99 ms {spread([percentile(r.latencies, 99) * 1000 for r in rs])}")
    if len(modes) == 2:
        ratios = [u.tps / a.tps for a, u in zip(results["asgi"], results["uvicorn"],
                                                strict=True)]
        print(f"ratio uvicorn/asgi transitions/s {spread(ratios, '.2f')}")


if __name__ == "__main__":
    main()
