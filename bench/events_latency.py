"""Event latency on real Kafka: from a committed transition to a consumer receiving its event.

Method
------
The dukcapil service runs on a fresh PostgreSQL database (``halo_bench_ev_<mode>_c<C>``,
migrated by its lifespan) with the service's own ``KafkaBus`` (idempotent producer, acks=all,
linger 2 ms) and publishes through the outbox relay to ``halo.dukcapil.case-events.v1``. A
consumer (aiokafka, no group, every partition assigned and positioned at the end before the
load starts, ``read_committed`` like the project's consumer) reads in a task of the
benchmark process and stamps each record with ``time.perf_counter()`` when ``getmany``
hands it over.

The load: KIA cases walked end to end through the HTTP API (``POST /cases`` = seq 1, then
the five officer actions = seq 2..6), ``--concurrency`` requests in flight. The session
dependency commits *before* the response is sent, so the client stamps each transition's
commit when its response arrives. Latency = receive stamp - response stamp, matched by
(case id, seq). Both stamps come from the same process and the same monotonic clock. A
negative value means the event reached the consumer before the client had read the
response (possible: the relay is woken right after the commit); they are counted and kept
in the percentiles as measured.

Where the relay runs, by ``--mode``:

* ``asgi`` (default): everything in one process and one event loop, the app driven through
  ``httpx.ASGITransport``, the relay as a task (``runtime.relay.run(stop)``), woken by the
  session dependency after each commit (``relay.notify()``).
* ``uvicorn``: the app behind uvicorn in a forked child process with its workers on (the
  relay and sweeper in its lifespan, as ``services/run.py --with-workers``): the relay is
  still notified in-process; client and consumer in the benchmark process.
* ``split``: the distributed-mode shape of ``deploy/local/distributed.sh``: the HTTP app in
  a uvicorn child with workers off, the relay in a separate ``python -m services.worker
  dukcapil`` process, woken by the commit signal (``NOTIFY halo_outbox`` sent in the
  transaction that writes outbox rows, ``shared/events/outbox_signal.py``); its 0.5 s idle
  poll stays as the safety net.

Events the run produced that never arrive within 60 s are reported as missing. Each
(mode, concurrency) point runs on its own fresh database.

    PYTHONPATH=. .venv/bin/python bench/events_latency.py [--quick] [--events N]
        [--concurrency 1,16] [--mode asgi,uvicorn,split] [--reps R]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from fastapi import FastAPI

from bench.common import (
    EVENTS_PER_CASE,
    WALK,
    Kia,
    UvicornChild,
    build_app,
    fresh_database,
    kafka_bootstrap,
    percentile,
    run_pool,
    spread,
)
from bench.infra import ready_partitions
from bench.procs import Processes, child_env
from shared.events.envelope import case_topic
from shared.web.runtime import ServiceRuntime
from tests.support.apps import running, runtime_of
from tests.support.tokens import TestTokens

TOPIC = case_topic("dukcapil")
TOKENS = TestTokens()
ARRIVAL_TIMEOUT_S = 60.0

Key = tuple[str, int]  # (case id, seq)


@dataclass
class Point:
    mode: str
    concurrency: int
    latencies: list[float]
    missing: int
    load_s: float

    def line(self) -> str:
        lat = self.latencies
        negative = sum(1 for v in lat if v < 0)
        return (f"{self.mode:<7} c={self.concurrency:<3} {len(lat):>5} events  "
                f"p50 {percentile(lat, 50) * 1000:7.1f} ms  "
                f"p99 {percentile(lat, 99) * 1000:7.1f} ms  "
                f"max {max(lat, default=float('nan')) * 1000:7.1f} ms  "
                f"(negative {negative}, missing {self.missing}, "
                f"load {len(lat) / self.load_s:,.0f} events/s)")


class Receiver:
    """A consumer task on the service topic that stamps each record's arrival."""

    def __init__(self, bootstrap: str) -> None:
        self.received: dict[Key, float] = {}
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None,
                                          enable_auto_commit=False,
                                          isolation_level="read_committed")
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def start(self, partitions: list[int]) -> None:
        await self._consumer.start()
        tps = [TopicPartition(TOPIC, p) for p in partitions]
        self._consumer.assign(tps)
        await self._consumer.seek_to_end(*tps)
        for tp in tps:
            await self._consumer.position(tp)  # resolve the end offsets before the load
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while not self._stop.is_set():
            batches = await self._consumer.getmany(timeout_ms=100, max_records=1000)
            now = time.perf_counter()
            for messages in batches.values():
                for m in messages:
                    event = json.loads(m.value or b"{}")
                    self.received.setdefault((event.get("case_id"), event.get("seq")), now)

    async def wait_for(self, keys: set[Key], timeout_s: float) -> int:
        """Wait until every key arrived (or the timeout); return how many are missing."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            missing = len(keys - self.received.keys())
            if missing == 0:
                return 0
            await asyncio.sleep(0.05)
        return len(keys - self.received.keys())

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
        await self._consumer.stop()


async def load(client: httpx.AsyncClient, receiver: Receiver, cases: int, concurrency: int
               ) -> tuple[dict[Key, float], float]:
    """Walk ``cases`` KIA cases; return the response stamp of every transition."""
    kia = Kia(client, TOKENS)
    committed: dict[Key, float] = {}

    async def step(job: tuple[int, str | None, int]) -> tuple[int, str | None, int] | None:
        i, case_id, k = job
        if case_id is None:
            case_id = await kia.open_case(kia.citizen(i))
            committed[(case_id, 1)] = time.perf_counter()
            return (i, case_id, 0)
        await kia.act(case_id, k)
        committed[(case_id, k + 2)] = time.perf_counter()
        return (i, case_id, k + 1) if k + 1 < len(WALK) else None

    # Warm-up case (first-request and first-publish costs), not measured.
    warm = await kia.open_case(kia.citizen(99_999))
    for k in range(len(WALK)):
        await kia.act(warm, k)
    if await receiver.wait_for({(warm, s) for s in range(1, EVENTS_PER_CASE + 1)}, 60):
        raise RuntimeError("the warm-up case's events did not reach the consumer in 60 s")

    t0 = time.perf_counter()
    await run_pool(concurrency, [(i, None, 0) for i in range(cases)], step)
    return committed, time.perf_counter() - t0


async def measure(base_url: str | None, app: FastAPI | None, cases: int,
                  concurrency: int, mode: str, partitions: list[int]) -> Point:
    """Against ``app`` in-process (relay task started here) or the server at ``base_url``."""
    receiver = Receiver(kafka_bootstrap())
    await receiver.start(partitions)
    try:
        if app is not None:
            async with running(app) as client:
                runtime: ServiceRuntime = runtime_of(app)
                stop = asyncio.Event()
                relay = asyncio.create_task(runtime.relay.run(stop))
                try:
                    committed, load_s = await load(client, receiver, cases, concurrency)
                    missing = await receiver.wait_for(set(committed), ARRIVAL_TIMEOUT_S)
                finally:
                    stop.set()
                    await relay
        else:
            assert base_url is not None
            limits = httpx.Limits(max_connections=concurrency,
                                  max_keepalive_connections=concurrency)
            async with httpx.AsyncClient(base_url=base_url, limits=limits,
                                         timeout=60) as client:
                committed, load_s = await load(client, receiver, cases, concurrency)
                missing = await receiver.wait_for(set(committed), ARRIVAL_TIMEOUT_S)
    finally:
        await receiver.stop()
    latencies = [receiver.received[k] - t for k, t in committed.items()
                 if k in receiver.received]
    return Point(mode, concurrency, latencies, missing, load_s)


def run_point(mode: str, concurrency: int, cases: int) -> Point:
    bootstrap = kafka_bootstrap()
    db = f"halo_bench_ev_{mode}_c{concurrency}"
    url = asyncio.run(fresh_database(db))
    partitions = [p for _, p in asyncio.run(ready_partitions(bootstrap, [TOPIC]))]
    with tempfile.TemporaryDirectory(prefix="halo-bench-") as tmp:
        if mode == "asgi":
            app = build_app(url, Path(tmp), TOKENS, kafka=bootstrap, workers=False)
            return asyncio.run(measure(None, app, cases, concurrency, mode, partitions))
        child = UvicornChild(lambda: build_app(url, Path(tmp), TOKENS, kafka=bootstrap,
                                               workers=(mode == "uvicorn")))
        child.start()
        procs = Processes(Path(tmp))
        try:
            asyncio.run(child.wait_ready())  # migrated and ready before the worker starts
            if mode == "split":  # as the distributed mode runs it; ready when the warm-up arrives
                procs.start("services.worker", [sys.executable, "-m", "services.worker",
                                                "dukcapil"],
                            child_env(Path(tmp) / "var", HALO_DUKCAPIL_DATABASE_URL=url,
                                      HALO_BUS="kafka", HALO_KAFKA_BOOTSTRAP=bootstrap,
                                      HALO_RUN_MIGRATIONS="0"))
            return asyncio.run(measure(child.base_url, None, cases, concurrency, mode,
                                       partitions))
        except Exception:
            procs.print_tails()
            raise
        finally:
            procs.stop_all()
            child.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="short run (120 events per point, 1 repetition)")
    parser.add_argument("--events", type=int,
                        help=f"events per point (default 1000; {EVENTS_PER_CASE} per case)")
    parser.add_argument("--concurrency", default="1,16",
                        help="comma-separated in-flight request counts (default 1,16)")
    parser.add_argument("--mode", default="asgi,uvicorn,split",
                        help="comma-separated: asgi, uvicorn, split (default all three)")
    parser.add_argument("--reps", type=int, help="repetitions (default 3; --quick 1)")
    args = parser.parse_args()
    events = args.events or (120 if args.quick else 1000)
    reps = args.reps or (1 if args.quick else 3)
    cases = max(1, round(events / EVENTS_PER_CASE))
    levels = [int(c) for c in args.concurrency.split(",")]
    modes = [m.strip() for m in args.mode.split(",")]
    for m in modes:
        if m not in ("asgi", "uvicorn", "split"):
            parser.error(f"unknown mode {m}")

    print(f"commit -> consumer receive on {TOPIC} ({kafka_bootstrap()}): {cases} cases x "
          f"{EVENTS_PER_CASE} = {cases * EVENTS_PER_CASE} events per point, {reps} reps")
    points: dict[tuple[str, int], list[Point]] = {(m, c): [] for m in modes for c in levels}
    for rep in range(reps):
        for mode in modes:
            for level in levels:
                point = run_point(mode, level, cases)
                points[(mode, level)].append(point)
                print(f"  rep {rep + 1} {point.line()}", flush=True)
    print("median (range) over repetitions:")
    for (mode, level), runs in points.items():
        print(f"{mode:<7} c={level:<3} "
              f"p50 ms {spread([percentile(p.latencies, 50) * 1000 for p in runs])}  "
              f"p99 ms {spread([percentile(p.latencies, 99) * 1000 for p in runs])}  "
              f"load events/s {spread([len(p.latencies) / p.load_s for p in runs], ',.0f')}")
    if any(p.missing for runs in points.values() for p in runs):
        sys.exit(1)

if __name__ == "__main__":
    main()
