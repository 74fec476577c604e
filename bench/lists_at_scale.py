"""Lists at scale: with 100,000 open cases in a service database (PostgreSQL), the latency of
a page of 20 of the officer inbox (service ``GET /cases?scope=inbox`` and gateway
``GET /api/v1/inbox``) and of a citizen's list (``GET /cases?scope=mine``,
``GET /api/v1/me/cases``), the SQL statements per request at page sizes 5 and 50, and the
overdue sweeper's pass and gauge refresh.

The cases are copies of one case submitted through the API (so SOP, step, sealed form and
document are genuine), written by ``tests.perf.bulk`` with one ``INSERT … SELECT
generate_series`` per table, then ``VACUUM ANALYZE``. Every copy is held by
``disdukcapil:operator`` (the largest inbox there can be); 1 in 100 is already late, 1 in 50
has no due time; the citizens ``warga-<i>`` (one per 5 cases) own 5 each.

    PYTHONPATH=. .venv/bin/python bench/lists_at_scale.py [--quick] [--cases N]
        [--requests N] [--reps R] [--only service,gateway]

Requests are sequential (C=1) through httpx's ASGI transport in this process, so a latency
includes the client's share (about 1.6 ms, see docs/benchmarks.md). The script asserts only
that the work happened (full pages, the sweeper marked late cases).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from bench.common import SOP, build_app, fresh_database, percentile, spread, submit_case
from shared.web.runtime import ServiceRuntime
from tests.perf.bulk import clone_cases, clone_tracked, vacuum
from tests.perf.statements import recorded
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
OPERATOR = TOKENS.headers("petugas-operator", "disdukcapil:operator")
CITIZEN = TOKENS.headers("warga-7", "citizen")
Get = Callable[[str, dict[str, str]], Awaitable[httpx.Response]]


async def _latencies(get: Get, url: str, who: dict[str, str], n: int) -> list[float]:
    took = []
    for _ in range(n):
        start = time.perf_counter()
        response = await get(url, who)
        took.append(time.perf_counter() - start)
        if response.status_code != 200 or len(response.json()["items"]) == 0:
            raise RuntimeError(f"{url}: {response.status_code} {response.text[:200]}")
    return took


async def _series(name: str, get: Get, url: str, who: dict[str, str], args: argparse.Namespace,
                  want: int) -> None:
    first = (await get(url, who)).json()
    if len(first["items"]) != want:
        raise RuntimeError(f"{name}: {len(first['items'])} items, wanted {want}")
    await _latencies(get, url, who, max(5, args.requests // 10))  # warm-up
    p50s, p99s = [], []
    for _ in range(args.reps):
        took = await _latencies(get, url, who, args.requests)
        p50s.append(percentile(took, 50) * 1000)
        p99s.append(percentile(took, 99) * 1000)
    print(f"{name:<24} total={first['total']:<6} p50 {spread(p50s)} ms   "
          f"p99 {spread(p99s)} ms")


async def _statements(name: str, engine: object, get: Get, url: str, who: dict[str, str]
                      ) -> None:
    counts = []
    for limit in (5, 50):
        with recorded(engine) as seen:  # type: ignore[arg-type]
            response = await get(f"{url}&limit={limit}", who)
        counts.append(f"{limit}:{len(seen)} ({len(response.json()['items'])} rows)")
    print(f"{name:<24} statements per request, page size → count: {', '.join(counts)}")


async def service(args: argparse.Namespace, tmp: Path) -> None:
    url = await fresh_database("halo_bench_lists_svc")
    app = build_app(url, tmp / "documents", TOKENS)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            async def get(path: str, who: dict[str, str]) -> httpx.Response:
                return await client.get(path, headers=who)

            template = await submit_case(client, CITIZEN)
            runtime = app.state.runtime
            start = time.perf_counter()
            async with runtime.db.begin() as conn:
                await clone_cases(conn, template["case_id"], args.cases - 1, runtime.clock(),
                                  citizens=args.cases // 5)
            await vacuum(runtime.db, "cases", "case_documents")
            print(f"service: {args.cases} open cases of {SOP} seeded in "
                  f"{time.perf_counter() - start:.1f} s")
            inbox, mine = "/cases?scope=inbox", "/cases?scope=mine"
            await _statements("service inbox", runtime.db, get, inbox, OPERATOR)
            await _statements("service citizen list", runtime.db, get, mine, CITIZEN)
            await _series("service inbox (20)", get, f"{inbox}&limit=20", OPERATOR, args, 20)
            await _series("service citizen list", get, f"{mine}&limit=20", CITIZEN, args, 6)
            await _sweeper(runtime, args)


async def _sweeper(runtime: ServiceRuntime, args: argparse.Namespace) -> None:
    sweeper = runtime.sweeper
    passes, gauges, marked = [], [], 0
    for _ in range(args.reps):
        start = time.perf_counter()
        overdue, _other = await sweeper.run_once()
        passes.append(time.perf_counter() - start)
        marked += overdue
        start = time.perf_counter()
        await sweeper.refresh_gauges()
        gauges.append(time.perf_counter() - start)
    if marked == 0:
        raise RuntimeError("the sweeper marked no late case")
    print(f"{'sweeper pass':<24} {spread([p * 1000 for p in passes])} ms ({marked} late "
          f"steps marked in {len(passes)} passes, batch 200)")
    print(f"{'sweeper gauge refresh':<24} {spread([g * 1000 for g in gauges])} ms "
          "(right after each pass)")
    await vacuum(runtime.db, "cases")  # what autovacuum does after the passes' writes
    settled = []
    for _ in range(args.reps):
        start = time.perf_counter()
        await sweeper.refresh_gauges()
        settled.append(time.perf_counter() - start)
    print(f"{'sweeper gauge, vacuumed':<24} {spread([g * 1000 for g in settled])} ms")


async def gateway(args: argparse.Namespace, tmp: Path) -> None:
    from tests.gateway.routing.harness import gateway_stack

    url = await fresh_database("halo_bench_lists_gw")
    (tmp / "gw").mkdir(exist_ok=True)
    async with gateway_stack(tmp / "gw", database_url=url) as stack:
        async def get(path: str, who: dict[str, str]) -> httpx.Response:
            return await stack.client.get(path, headers=who)

        operator = stack.headers("petugas-operator", "disdukcapil:operator")
        citizen = stack.headers("warga-7", "citizen")
        response = await stack.client.post(
            "/api/v1/dukcapil/cases", headers=citizen,
            data={"data": json.dumps({"sop_key": SOP, "form": _form()})},
            files={"berkas_persyaratan": ("berkas.pdf", b"%PDF-1.4 bench\n",
                                          "application/pdf")})
        if response.status_code != 201:
            raise RuntimeError(response.text[:300])
        await stack.sync()
        engine = stack.runtime.db
        start = time.perf_counter()
        async with engine.begin() as conn:
            await clone_tracked(conn, response.json()["case_id"], args.cases - 1,
                                stack.clock(), citizens=args.cases // 5)
        await vacuum(engine, "tracked_cases")
        print(f"gateway: {args.cases} tracked open cases seeded in "
              f"{time.perf_counter() - start:.1f} s")
        await _statements("gateway inbox", engine, get, "/api/v1/inbox?state=open", operator)
        await _series("gateway inbox (20)", get, "/api/v1/inbox?limit=20", operator, args, 20)
        await _series("gateway citizen list", get, "/api/v1/me/cases?limit=20", citizen, args,
                      6)


def _form() -> dict[str, str]:
    from bench.common import FORM

    return dict(FORM)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 cases, fewer requests")
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--requests", type=int, default=None, help="per repetition")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--only", default="service,gateway")
    args = parser.parse_args()
    args.cases = args.cases or (10_000 if args.quick else 100_000)
    args.requests = args.requests or (50 if args.quick else 200)
    print(f"lists at scale: {args.cases} open cases, {args.requests} sequential requests x "
          f"{args.reps} reps (median (min - max))")
    with tempfile.TemporaryDirectory(prefix="halo-bench-lists-") as folder:
        if "service" in args.only:
            await service(args, Path(folder))
        if "gateway" in args.only:
            await gateway(args, Path(folder))


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
