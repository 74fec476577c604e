"""How fresh the gateway's tracking is: from a step's commit in a service to the step being
visible in ``GET /api/v1/tracking/{tracking_no}``, on real Kafka and PostgreSQL.

Method
------
Processes as the distributed mode runs them (``deploy/local/distributed.sh``), each on a free
loopback port, ``HALO_BUS=kafka``:

* the gateway, ``python -m gateway.run --demo``, on a fresh database ``halo_bench_gw``; its
  tracking consumer reads the seven ``halo.<service>.case-events.v1`` topics and projects them
  into the read model behind ``/api/v1/tracking``;
* dukcapil in two shapes, side by side, publishing to the same topic:

  - ``split`` (the distributed mode): ``python -m services.run dukcapil`` (HTTP only) plus
    ``python -m services.worker dukcapil`` (outbox relay and sweeper) on ``halo_bench_dk``.
    The transaction that writes outbox rows sends ``NOTIFY halo_outbox`` (delivered at
    commit); the worker listens and wakes its relay (``shared/events/outbox_signal.py``), the
    0.5 s idle poll (``OutboxRelay.idle_seconds``) stays as the safety net.
  - ``inproc``: ``python -m services.run dukcapil --with-workers`` on ``halo_bench_dk2``: the
    relay runs in the HTTP process and is woken right after each commit (``relay.notify()``).

The databases are dropped and created afresh (the services' are migrated first with
``python -m shared.db.migrate upgrade``, as ``distributed.sh up`` does). Logins go through the
gateway (``POST /api/v1/auth/login``, the demo accounts ``warga1``, ``operator``, ``kabid``,
``kepala_dinas`` of disdukcapil); if that fails the tokens are minted with the gateway's key set
instead. ``HALO_ACCESS_TTL_S`` is raised to 2 h so that a long run does not outlive its tokens.

The gateway's tracking group is ``HALO_TRACKING_GROUP=halo-bench-tracking-<pid>``, whose
offsets this script commits at the end of every partition first: the default group would split
the partitions with any other gateway on a shared broker, and a new group would replay the
topics' history into the fresh read model.

The load, one transition at a time: KIA cases are opened (``POST /cases``, seq 1) and walked
through their five officer actions (``POST /cases/{id}/actions``, seq 2..6), alternating case by
case between the two shapes, straight to the service (no gateway hop between the commit and
the stamp). Before each transition the client pauses a random time, uniform in
``[0, --think-ms)`` (500 ms, one relay poll period): added when the split worker only polled,
to avoid a phase lock on its poll (``--think-ms 0``: every split transition then waited the
full 0.5 s); kept so that runs stay comparable. The service commits before it answers, so
the commit is stamped when the response arrives. Then ``GET /api/v1/tracking/{tracking_no}``
is polled on the gateway every ``--interval-ms`` (10 ms, fixed cadence) as the citizen who
owns the case, until the timeline's last ``seq`` and the ``status`` match the transition.
Freshness = arrival of that poll - commit stamp: an upper bound, too high by at most one
interval plus one poll's latency (both reported). A transition not visible within 30 s fails
the run. One warm-up case per shape goes first, not measured; submissions (seq 1) are
reported apart. At the end the read model's event count is checked: events of other producers
on the same topics (a test or benchmark meanwhile) disturb the numbers, and the report says so.

Ranges: the measured transitions of each shape are cut into ``--blocks`` consecutive blocks;
the report gives the pooled p50/p99 and the median (min - max) of the blocks' p50/p99.

Infrastructure: PostgreSQL at ``HALO_BENCH_PG_ADMIN_URL`` and Kafka at ``HALO_BENCH_KAFKA``
(``bench/common.py``); whatever listens there is used and left running, otherwise it is started
on that port and stopped at the end (``bench/infra.py``).

    PYTHONPATH=. .venv/bin/python bench/tracking_freshness.py [--quick] [--transitions N]
        [--interval-ms 10] [--think-ms 500] [--shapes split,inproc] [--blocks 3] [--keep-logs]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import os
import random
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.common import (
    EVENTS_PER_CASE,
    WALK,
    act_on_case,
    fresh_database,
    kafka_bootstrap,
    percentile,
    spread,
    submit_case,
)
from bench.infra import Infra, start_group_at_end
from bench.procs import (
    ROOT,
    Processes,
    child_env,
    free_port,
    mint_token,
    run_folder,
    wait_ready,
)

SERVICES = ("dukcapil", "perizinan", "pengaduan", "damkar", "pajak", "kepegawaian", "umum")
SHAPES = ("split", "inproc")
DEMO = "demo.halo.lamsel"
LOGINS = {"citizen": (f"warga1@{DEMO}", "Demo-Warga-2026"),
          **{role: (f"{role}.disdukcapil@{DEMO}", "Demo-Petugas-2026")
             for role in ("operator", "kabid", "kepala_dinas")}}
VISIBLE_TIMEOUT_S = 30.0
WARMUP_TIMEOUT_S = 90.0


# ------------------------------------------------------------------------- the load ----

@dataclass
class Shape:
    name: str
    client: httpx.AsyncClient
    actions: list[float] = field(default_factory=list)
    submissions: list[float] = field(default_factory=list)


@dataclass
class Polls:
    latencies: list[float] = field(default_factory=list)
    count: int = 0


class NotVisible(RuntimeError):
    pass


async def visible_after(gateway: httpx.AsyncClient, tracking_no: str, headers: dict[str, str],
                        seq: int, status: str, committed: float, interval_s: float,
                        polls: Polls, timeout_s: float = VISIBLE_TIMEOUT_S) -> float:
    """Poll the gateway's tracking at a fixed cadence from ``committed``; return the arrival
    time of the first answer whose timeline reaches ``seq`` with ``status``."""
    next_at = committed
    while True:
        sent = time.perf_counter()
        response = await gateway.get(f"/api/v1/tracking/{tracking_no}", headers=headers)
        now = time.perf_counter()
        polls.latencies.append(now - sent)
        polls.count += 1
        if response.status_code == 200:
            body = response.json()
            timeline = body["timeline"]
            if timeline and timeline[-1]["seq"] >= seq and body["status"] == status:
                return now
        elif response.status_code != 404:  # 404: the case's first event is not in yet
            raise RuntimeError(f"GET tracking {tracking_no}: {response.status_code} "
                               f"{response.text[:300]}")
        if now - committed > timeout_s:
            raise NotVisible(f"{tracking_no} seq {seq} ({status}) not visible in "
                             f"{timeout_s:.0f} s")
        next_at += interval_s
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))


async def walk(shape: Shape, gateway: httpx.AsyncClient, tokens: dict[str, str],
               interval_s: float, think_s: float, polls: Polls, measured: bool,
               timeout_s: float = VISIBLE_TIMEOUT_S) -> None:
    citizen = {"authorization": f"Bearer {tokens['citizen']}"}
    await asyncio.sleep(random.uniform(0, think_s))
    case = await submit_case(shape.client, citizen)
    committed = time.perf_counter()
    seen = await visible_after(gateway, case["tracking_no"], citizen, 1, case["status"],
                               committed, interval_s, polls, timeout_s)
    if measured:
        shape.submissions.append(seen - committed)
    for k, (role, _, _) in enumerate(WALK):
        await asyncio.sleep(random.uniform(0, think_s))
        answer = await act_on_case(shape.client, {"authorization": f"Bearer {tokens[role]}"},
                                   case["id"], k)
        committed = time.perf_counter()
        seen = await visible_after(gateway, case["tracking_no"], citizen, k + 2,
                                   answer["status"], committed, interval_s, polls, timeout_s)
        if measured:
            shape.actions.append(seen - committed)


async def login_tokens(gateway: httpx.AsyncClient, key_dir: Path) -> tuple[dict[str, str], str]:
    tokens: dict[str, str] = {}
    for who, (login, password) in LOGINS.items():
        response = await gateway.post("/api/v1/auth/login",
                                      json={"login": login, "password": password})
        if response.status_code != 200:
            break
        tokens[who] = response.json()["access_token"]
    else:
        return tokens, "POST /api/v1/auth/login (demo accounts)"
    print(f"  login as {who} failed ({response.status_code}): minting tokens with the "
          f"gateway's key set instead", flush=True)
    tokens = {who: mint_token(key_dir, f"bench-{who}", [f"disdukcapil:{who}"], "officer")
              for who in LOGINS if who != "citizen"}
    tokens["citizen"] = mint_token(key_dir, "bench-warga-1", ["citizen"], "citizen")
    return tokens, "minted with the gateway's key set"


async def measure(gateway_url: str, service_urls: dict[str, str], key_dir: Path,
                  cases: int, interval_s: float, think_s: float
                  ) -> tuple[dict[str, Shape], Polls, str]:
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    async with contextlib.AsyncExitStack() as stack:
        gateway = await stack.enter_async_context(
            httpx.AsyncClient(base_url=gateway_url, limits=limits, timeout=30))
        shapes = {}
        for name, url in service_urls.items():
            client = await stack.enter_async_context(
                httpx.AsyncClient(base_url=url, limits=limits, timeout=30))
            shapes[name] = Shape(name, client)
        tokens, how = await login_tokens(gateway, key_dir)
        polls = Polls()
        for shape in shapes.values():  # warm-up: group join, first publish, first requests
            await walk(shape, gateway, tokens, interval_s, think_s, polls, measured=False,
                       timeout_s=WARMUP_TIMEOUT_S)
        polls = Polls()
        order = list(shapes.values())
        for i in range(cases):
            for shape in order if i % 2 == 0 else reversed(order):
                await walk(shape, gateway, tokens, interval_s, think_s, polls, measured=True)
            if (i + 1) % 10 == 0 or i + 1 == cases:
                print(f"  {i + 1}/{cases} cases per shape walked", flush=True)
        return shapes, polls, how


async def events_in_read_model(gw_db: str) -> int:
    import asyncpg

    conn = await asyncpg.connect(gw_db.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        return int(await conn.fetchval("SELECT count(*) FROM tracked_events"))
    finally:
        await conn.close()


def report(shapes: dict[str, Shape], polls: Polls, blocks: int) -> None:
    def ms(values: list[float], q: float) -> float:
        return percentile(values, q) * 1000

    print("\nfreshness, commit -> visible in GET /api/v1/tracking (ms):")
    for shape in shapes.values():
        lat = shape.actions
        size = max(1, len(lat) // blocks)
        parts = [lat[i * size:(i + 1) * size] for i in range(blocks)] if len(lat) >= blocks \
            else [lat]
        print(f"  {shape.name:<7} actions     n={len(lat):<4} p50 {ms(lat, 50):7.1f}  "
              f"p99 {ms(lat, 99):7.1f}  max {max(lat) * 1000:7.1f}   "
              f"blocks of {size}: p50 {spread([ms(p, 50) for p in parts])}  "
              f"p99 {spread([ms(p, 99) for p in parts])}  "
              f"(over 400 ms: {sum(1 for v in lat if v > 0.4)})")
        sub = shape.submissions
        print(f"  {shape.name:<7} submissions n={len(sub):<4} p50 {ms(sub, 50):7.1f}  "
              f"p99 {ms(sub, 99):7.1f}  max {max(sub) * 1000:7.1f}")
    print(f"  poll GET /api/v1/tracking: {polls.count} polls, p50 {ms(polls.latencies, 50):.1f}"
          f" ms, p99 {ms(polls.latencies, 99):.1f} ms (the resolution: interval + one poll)")
    if len(shapes) == 2:
        split, inproc = shapes.get("split"), shapes.get("inproc")
        if split and inproc:
            print(f"  split - inproc: p50 {ms(split.actions, 50) - ms(inproc.actions, 50):+.1f}"
                  f" ms, p99 {ms(split.actions, 99) - ms(inproc.actions, 99):+.1f} ms")


# ----------------------------------------------------------------------------- main ----

def start_processes(procs: Processes, var: Path, chosen: list[str], group: str,
                    ports: dict[str, int]) -> str:
    """Fresh databases, the gateway and the chosen shapes of dukcapil, ready; the gateway's
    database URL."""
    bootstrap = kafka_bootstrap()
    gw_db = asyncio.run(fresh_database("halo_bench_gw"))
    svc_db = {"split": asyncio.run(fresh_database("halo_bench_dk")),
              "inproc": asyncio.run(fresh_database("halo_bench_dk2"))}
    asyncio.run(start_group_at_end(bootstrap, group,
                                   [f"halo.{s}.case-events.v1" for s in SERVICES]))
    gw_url = f"http://127.0.0.1:{ports['gateway']}"
    common = {"HALO_BUS": "kafka", "HALO_KAFKA_BOOTSTRAP": bootstrap,
              "HALO_ACCESS_TTL_S": "7200"}
    pii = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    svc_env = {s: child_env(var, **common, HALO_DUKCAPIL_DATABASE_URL=svc_db[s],
                            HALO_JWKS_URL=f"{gw_url}/.well-known/jwks.json",
                            HALO_RUN_MIGRATIONS="0", HALO_PII_KEY=pii)
               for s in chosen}
    for s in chosen:  # as distributed.sh up: migrate, then start with migrations off
        subprocess.run([sys.executable, "-m", "shared.db.migrate", "upgrade", svc_db[s]],
                       env=svc_env[s], cwd=str(ROOT), check=True, stdout=subprocess.DEVNULL)
    procs.start("gateway", [sys.executable, "-m", "gateway.run", "--port",
                            str(ports["gateway"]), "--demo"],
                child_env(var, **common, HALO_GATEWAY_DATABASE_URL=gw_db,
                          HALO_TRACKING_GROUP=group,
                          HALO_DUKCAPIL_URL=f"http://127.0.0.1:{ports[chosen[0]]}"))
    asyncio.run(wait_ready(procs, f"{gw_url}/readyz"))
    for s in chosen:
        extra = ["--with-workers"] if s == "inproc" else []
        procs.start(f"dukcapil-{s}", [sys.executable, "-m", "services.run", "dukcapil",
                                      "--port", str(ports[s]), *extra], svc_env[s])
        if s == "split":
            procs.start("dukcapil-split-worker",
                        [sys.executable, "-m", "services.worker", "dukcapil"], svc_env[s])
    asyncio.run(wait_ready(procs, *(f"http://127.0.0.1:{ports[s]}/readyz" for s in chosen)))
    return gw_db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="short run: 50 action transitions per shape")
    parser.add_argument("--transitions", type=int,
                        help=f"measured action transitions per shape (default 300; "
                             f"{len(WALK)} per case)")
    parser.add_argument("--interval-ms", type=float, default=10.0,
                        help="tracking poll interval (default 10)")
    parser.add_argument("--think-ms", type=float, default=500.0,
                        help="random pause before each transition, uniform in [0, think) "
                             "(default 500: one relay poll period)")
    parser.add_argument("--shapes", default="split,inproc",
                        help="comma-separated: split, inproc (default both)")
    parser.add_argument("--blocks", type=int, default=3,
                        help="consecutive blocks for the ranges (default 3)")
    parser.add_argument("--keep-logs", action="store_true",
                        help="keep the temporary folder (process logs) and print it")
    args = parser.parse_args()
    transitions = args.transitions or (50 if args.quick else 300)
    cases = max(1, round(transitions / len(WALK)))
    chosen = [s.strip() for s in args.shapes.split(",")]
    if any(s not in SHAPES for s in chosen):
        parser.error(f"--shapes: choose from {', '.join(SHAPES)}")

    group = f"halo-bench-tracking-{os.getpid()}"
    print(f"tracking freshness: {cases} cases x {len(WALK)} actions per shape "
          f"({', '.join(chosen)}), poll every {args.interval_ms:g} ms; "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}", flush=True)
    with Infra() as infra, run_folder("halo-bench-track-", args.keep_logs) as (tmp, procs):
        infra.ensure()
        ports = {"gateway": free_port(), **{s: free_port() for s in chosen}}
        gw_db = start_processes(procs, tmp / "var", chosen, group, ports)
        print(f"  ports: gateway {ports['gateway']}, "
              + ", ".join(f"dukcapil-{s} {ports[s]}" for s in chosen)
              + f"; consumer group {group}", flush=True)
        shapes, polls, how = asyncio.run(measure(
            f"http://127.0.0.1:{ports['gateway']}",
            {s: f"http://127.0.0.1:{ports[s]}" for s in chosen}, tmp / "var" / "keys",
            cases, args.interval_ms / 1000, args.think_ms / 1000))
        procs.check_alive()
        print(f"  tokens: {how}")
        mine = (cases + 1) * len(chosen) * EVENTS_PER_CASE
        foreign = asyncio.run(events_in_read_model(gw_db)) - mine
        if foreign > 0:
            print(f"  WARNING: the gateway also projected {foreign} events of other "
                  f"producers on the broker (another run on the same topics): its "
                  f"consumer was shared with that load, the numbers are disturbed")
        else:
            print("  no events of other producers reached the gateway during the run")
        report(shapes, polls, args.blocks)


if __name__ == "__main__":
    main()
