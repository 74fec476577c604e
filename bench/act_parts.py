"""Two changes of the act path measured apart, in one process, alternating, as CPU time per
operation (``time.process_time``: steadier than wall time on a shared machine):

* a pooled PostgreSQL checkout and one statement (``SELECT 1``) with the pool's pre-ping on
  (BEGIN, ping, ROLLBACK before the statement) and off (``shared.db.session.make_engine``'s
  default now), on the benchmark server (``HALO_BENCH_PG_ADMIN_URL``);
* a FastAPI request whose dependency reads ``app.state`` as a sync function (run in the thread
  pool) and as an async one (``shared.web.deps.get_runtime`` now), through httpx's ASGI
  transport.

    PYTHONPATH=. .venv/bin/python bench/act_parts.py [--n N] [--reps R]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, Request
from sqlalchemy import text

from bench.common import pg_admin_url, spread
from shared.db.session import make_engine


async def cpu_per_op(n: int, op: Callable[[], Awaitable[object]]) -> float:
    """Microseconds of process CPU per call of ``op`` (after 50 warm-up calls)."""
    for _ in range(50):
        await op()
    start = time.process_time()
    for _ in range(n):
        await op()
    return (time.process_time() - start) / n * 1e6


async def checkout(n: int, ping: bool) -> float:
    url = pg_admin_url().replace("postgresql://", "postgresql+asyncpg://", 1)
    engine = make_engine(url, pool_pre_ping=ping)

    async def op() -> None:
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
    try:
        return await cpu_per_op(n, op)
    finally:
        await engine.dispose()


def sync_state(request: Request) -> object:
    return request.app.state.value


async def async_state(request: Request) -> object:
    return request.app.state.value


def dependency_app() -> FastAPI:
    app = FastAPI()
    app.state.value = 1

    @app.get("/sync")
    async def with_sync(value: Annotated[object, Depends(sync_state)]) -> dict[str, object]:
        return {"v": value}

    @app.get("/async")
    async def with_async(value: Annotated[object, Depends(async_state)]) -> dict[str, object]:
        return {"v": value}
    return app


async def dependency(n: int, kind: str) -> float:
    transport = httpx.ASGITransport(app=dependency_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        async def op() -> None:
            assert (await client.get(f"/{kind}")).json() == {"v": 1}
        return await cpu_per_op(n, op)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="operations per measurement")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    sides: dict[str, Callable[[], Coroutine[Any, Any, float]]] = {
        "checkout, pre-ping on": lambda: checkout(args.n, True),
        "checkout, pre-ping off": lambda: checkout(args.n, False),
        "dependency sync (thread pool)": lambda: dependency(args.n, "sync"),
        "dependency async": lambda: dependency(args.n, "async"),
    }
    got: dict[str, list[float]] = {k: [] for k in sides}
    for rep in range(args.reps):
        for name in sides if rep % 2 == 0 else reversed(list(sides)):
            got[name].append(asyncio.run(sides[name]()))
    print(f"CPU µs per operation, {args.n} operations, {args.reps} reps: median (range)")
    for name, values in got.items():
        print(f"  {name:<31} {spread(values, '.0f')}")
    for a, b in (("checkout, pre-ping on", "checkout, pre-ping off"),
                 ("dependency sync (thread pool)", "dependency async")):
        saved = [x - y for x, y in zip(got[a], got[b], strict=True)]
        print(f"  saved by '{b}': {statistics.median(saved):.0f} µs per operation "
              f"({spread(saved, '.0f')})")


if __name__ == "__main__":
    main()
