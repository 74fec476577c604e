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
transaction: case row locked, case updated, history + outbox written (7 statements),
committed before the response is sent.

Reported per mode: act transitions/s (actions / wall time of the act phase) and p50/p99
latency of the act requests as the client sees them; ``--reps`` repetitions, each on a fresh
database, median and range. Each bench database runs with ``synchronous_commit = on``
(``ALTER DATABASE``), whatever the server's default: a commit waits for its WAL write.

``--profile FILE`` runs one uvicorn repetition with cProfile on in the server process during
the act phase only (the client is not in it) and writes the top 25 functions by cumulative
time, then by own time, to FILE (``docs/profiles/``). The profiler slows the server: its
figures are not the benchmark's.

    PYTHONPATH=. .venv/bin/python bench/service_act_pg.py [--quick] [--mode asgi|uvicorn|both]
        [--transitions N] [--concurrency C] [--reps R] [--profile FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import logging
import os
import pstats
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from fastapi import FastAPI

from bench.common import (
    WALK,
    Kia,
    UvicornChild,
    build_app,
    fresh_database,
    percentile,
    pg_admin_url,
    run_pool,
    spread,
)
from bench.loadclient import LoadClient
from tests.support.apps import running
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
PROFILE_PATH = "/__bench/profile"
ROOT = str(Path(__file__).resolve().parents[1]) + "/"
Hook = Callable[[], Awaitable[None]]


async def act_database(name: str) -> str:
    """A fresh bench database whose sessions commit synchronously; its SQLAlchemy URL."""
    url = await fresh_database(name)
    conn = await asyncpg.connect(pg_admin_url())
    try:
        await conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = on')
    finally:
        await conn.close()
    return url


def by_package(stats: pstats.Stats) -> dict[str, float]:
    """Own (CPU) seconds summed per installed package, per project folder, stdlib asyncio,
    and C functions (``{method ...}``, ``<built-in ...>``)."""
    shares: dict[str, float] = {}
    for (path, _, func), row in stats.stats.items():  # type: ignore[attr-defined]
        own = row[2]
        if "site-packages/" in path:
            name = path.split("site-packages/", 1)[1].split("/", 1)[0]
        elif path.startswith(ROOT):
            name = "project " + path[len(ROOT):].split("/", 1)[0] + "/"
        elif path == "~":
            owner = func.split(" of '", 1)[1] if " of '" in func else func.split("method ")[-1]
            name = "C " + owner.split(".", 1)[0].strip("'>}")
        elif "/asyncio/" in path:
            name = "stdlib asyncio"
        else:
            name = "stdlib other"
        shares[name] = shares.get(name, 0.0) + own
    return shares


class Profiled:
    """The app, with cProfile switched on by ``POST /__bench/profile?on=1`` and off (the top
    25 by cumulative time written to ``out``) by ``POST /__bench/profile?on=0``."""

    def __init__(self, app: Any, out: Path) -> None:
        self.app, self.out = app, out
        self.profile: cProfile.Profile | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != PROFILE_PATH:
            return await self.app(scope, receive, send)
        if scope["query_string"] == b"on=1":
            self.profile = cProfile.Profile()
            self.profile.enable()
        elif self.profile is not None:
            self.profile.disable()
            text = io.StringIO()
            stats = pstats.Stats(self.profile, stream=text)
            # A coroutine's cumulative time counts its waits too; own time is the CPU.
            text.write("==== own time by package (share of the profiled CPU) ====\n")
            shares = by_package(stats)
            total = sum(shares.values()) or 1.0
            for name, own in sorted(shares.items(), key=lambda kv: -kv[1]):
                text.write(f"  {name:<28} {own:8.2f} s  {own / total:6.1%}\n")
            for order in ("cumulative", "tottime"):
                text.write(f"==== top 25 by {order} ====\n")
                stats.sort_stats(order).print_stats(25)
            self.out.write_text(text.getvalue())
            self.profile.dump_stats(f"{self.out}.pstats")  # for pstats / snakeviz
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@dataclass
class Result:
    cases: int
    open_s: float
    acts: int
    act_s: float
    latencies: list[float]
    cpu_s: float | None = None
    by_action: dict[str, list[float]] | None = None
    """The latencies per action of the walk (``--by-action``)."""
    """CPU seconds (user + system) of the server process during the act phase (uvicorn)."""

    @property
    def tps(self) -> float:
        return self.acts / self.act_s

    def line(self) -> str:
        return (f"{self.acts} acts in {self.act_s:.2f}s = {self.tps:,.0f} transitions/s, "
                f"p50 {percentile(self.latencies, 50) * 1000:.1f} ms, "
                f"p99 {percentile(self.latencies, 99) * 1000:.1f} ms, "
                f"{self.cpu_text()} "
                f"(opened {self.cases} cases at {self.cases / self.open_s:,.0f}/s)")


    def cpu_ms(self) -> float:
        return float("nan") if self.cpu_s is None else self.cpu_s / self.acts * 1000

    def cpu_text(self) -> str:
        return "server CPU n/a" if self.cpu_s is None else f"server CPU {self.cpu_ms():.2f} ms/act"


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def drive(client: httpx.AsyncClient, cases: int, concurrency: int,
                before_acts: Hook | None = None, after_acts: Hook | None = None,
                acts: LoadClient | None = None) -> Result:
    kia = Kia(client, TOKENS, acts)
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
    by_action: dict[str, list[float]] = {}
    if before_acts is not None:
        await before_acts()

    async def act_once(job: tuple[str, int]) -> tuple[str, int] | None:
        case_id, k = job
        start = time.perf_counter()
        await kia.act(case_id, k)
        latencies.append(time.perf_counter() - start)
        by_action.setdefault(WALK[k][1], []).append(latencies[-1])
        return (case_id, k + 1) if k + 1 < len(WALK) else None

    t1 = time.perf_counter()
    await run_pool(concurrency, [(c, 0) for c in opened], act_once)
    act_s = time.perf_counter() - t1
    if after_acts is not None:
        await after_acts()
    assert len(latencies) == cases * len(WALK)
    return Result(cases, open_s, len(latencies), act_s, latencies, by_action=by_action)


async def asgi_mode(db: str, cases: int, concurrency: int) -> Result:
    url = await act_database(db)
    with tempfile.TemporaryDirectory(prefix="halo-bench-") as tmp:
        app = build_app(url, Path(tmp), TOKENS)
        async with running(app) as client:
            return await drive(client, cases, concurrency)


def uvicorn_mode(db: str, cases: int, concurrency: int, profile: Path | None = None,
                 lean: bool = True) -> Result:
    """The act phase through the lean load client (``bench/loadclient.py``) when ``lean``,
    through httpx otherwise; the cases are opened through httpx either way."""
    url = asyncio.run(act_database(db))
    with tempfile.TemporaryDirectory(prefix="halo-bench-") as tmp:
        def make_app() -> FastAPI:
            app = build_app(url, Path(tmp), TOKENS)
            return app if profile is None else Profiled(app, profile)  # type: ignore[return-value]

        child = UvicornChild(make_app)
        child.start()
        try:
            async def client_side() -> Result:
                await child.wait_ready()
                limits = httpx.Limits(max_connections=concurrency,
                                      max_keepalive_connections=concurrency)
                acts = LoadClient(child.base_url, concurrency) if lean else None
                async with httpx.AsyncClient(base_url=child.base_url, limits=limits,
                                             timeout=60) as client:
                    if profile is None:
                        pid = child.pid
                        cpu = [0.0]

                        async def mark() -> None:
                            cpu[0] = cpu_seconds(pid) - cpu[0]
                        result = await drive(client, cases, concurrency, mark, mark, acts)
                        result.cpu_s = cpu[0]
                        return result

                    async def switch(on: int) -> None:
                        await client.post(PROFILE_PATH, params={"on": on})
                    return await drive(client, cases, concurrency,
                                       lambda: switch(1), lambda: switch(0), acts)
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
    parser.add_argument("--client", choices=["lean", "httpx"], default="lean",
                        help="client of the uvicorn act phase (default: the lean load client)")
    parser.add_argument("--by-action", action="store_true",
                        help="also print p50/p99 per action of the walk")
    parser.add_argument("--profile", type=Path,
                        help="one profiled uvicorn run; top 25 by cumulative time to this file")
    args = parser.parse_args()
    transitions = args.transitions or (250 if args.quick else 2000)
    reps = args.reps or (1 if args.quick else 3)
    cases = max(1, transitions // len(WALK))
    modes = ["asgi", "uvicorn"] if args.mode == "both" else [args.mode]
    logging.getLogger().setLevel(logging.WARNING)
    if args.profile is not None:
        result = uvicorn_mode("halo_bench_act_profile", cases, args.concurrency,
                              args.profile.resolve(), args.client == "lean")
        print(f"profiled (slowed) run: {result.line()}; profile in {args.profile}")
        return

    print(f"service act on PostgreSQL: {cases} cases x {len(WALK)} acts = "
          f"{cases * len(WALK)} transitions, concurrency {args.concurrency}, {reps} reps")
    results: dict[str, list[Result]] = {m: [] for m in modes}
    for rep in range(reps):
        for mode in modes if rep % 2 == 0 else list(reversed(modes)):
            db = f"halo_bench_act_{mode}"
            if mode == "asgi":
                result = asyncio.run(asgi_mode(db, cases, args.concurrency))
            else:
                result = uvicorn_mode(db, cases, args.concurrency,
                                      lean=args.client == "lean")
            results[mode].append(result)
            print(f"  rep {rep + 1} {mode:<7}: {result.line()}")
            if args.by_action and result.by_action:
                print("    " + ", ".join(
                    f"{a} p50 {percentile(v, 50) * 1000:.1f} / p99 {percentile(v, 99) * 1000:.1f}"
                    for a, v in result.by_action.items()) + " ms")
    for mode in modes:
        rs = results[mode]
        print(f"{mode:<7} transitions/s {spread([r.tps for r in rs], ',.0f')}  "
              f"p50 ms {spread([percentile(r.latencies, 50) * 1000 for r in rs])}  "
              f"p99 ms {spread([percentile(r.latencies, 99) * 1000 for r in rs])}"
              + (f"  server CPU ms/act {spread([r.cpu_ms() for r in rs], '.2f')}"
                 if mode == "uvicorn" else ""))
    if len(modes) == 2:
        ratios = [u.tps / a.tps for a, u in zip(results["asgi"], results["uvicorn"],
                                                strict=True)]
        print(f"ratio uvicorn/asgi transitions/s {spread(ratios, '.2f')}")


if __name__ == "__main__":
    main()
