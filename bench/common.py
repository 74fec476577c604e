"""What the service benchmarks share: a fresh PostgreSQL database, the dukcapil app with test
tokens (in-process or behind uvicorn in a child process), the KIA walk (``submit_case``,
``act_on_case``, ``Kia``), and percentiles. Child processes of the real programs are in
``bench/procs.py``, PostgreSQL/Kafka start-up and topic set-up in ``bench/infra.py``.

Nothing here runs at import time. Environment:

* ``HALO_BENCH_PG_ADMIN_URL``: a maintenance database to create the bench databases from
  (default ``postgresql://postgres@127.0.0.1:${PGPORT:-55432}/postgres``).
* ``HALO_BENCH_KAFKA``: the broker (default ``127.0.0.1:19092``).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import re
import socket
import statistics
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from fastapi import FastAPI

from bench.loadclient import LoadClient
from services.dukcapil.app import create_app
from shared.web.app import Wiring
from shared.web.long_lived import FrozenAfterStartup
from tests.support.apps import service_settings, wiring
from tests.support.tokens import TestTokens

SOP = "dukcapil-kia-0-5-tahun"
FORM = {"nik_anak": "1801010105240001", "nama_anak": "Anak Uji",
        "tanggal_lahir_anak": "2024-05-01", "nomor_kk": "1801010101200002",
        "pengambilan": "ekspedisi"}
PDF = ("berkas.pdf", b"%PDF-1.4 bench\n", "application/pdf")
# After the submission (POST /cases, seq 1): the officer actions, seq 2..6.
WALK: list[tuple[str, str, str]] = [  # (role, action, expected step)
    ("operator", "teruskan", "verifikasi_permohonan"),
    ("operator", "lengkap", "verifikasi_berkas"),
    ("kabid", "sampaikan_ke_kadis", "verifikasi_siak"),
    ("kepala_dinas", "tte", "tte_kadis"),
    ("operator", "serahkan", "penyerahan"),
]
EVENTS_PER_CASE = 1 + len(WALK)


def pg_admin_url() -> str:
    port = os.environ.get("PGPORT", "55432")
    return os.environ.get("HALO_BENCH_PG_ADMIN_URL",
                          f"postgresql://postgres@127.0.0.1:{port}/postgres")


def kafka_bootstrap() -> str:
    return os.environ.get("HALO_BENCH_KAFKA", "127.0.0.1:19092")


async def fresh_database(name: str) -> str:
    """Drop and create database ``name``; return its SQLAlchemy (asyncpg) URL."""
    if not re.fullmatch(r"halo_bench[a-z0-9_]*", name):
        raise ValueError(f"refusing to recreate database {name!r} (must start with halo_bench)")
    admin = pg_admin_url()
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{name}"


def build_app(url: str, documents: Path, tokens: TestTokens, *, kafka: str | None = None,
              workers: bool = False) -> FastAPI:
    """The dukcapil app on ``url`` (migrated in its lifespan), verifying ``tokens``.

    Events go to an in-process bus, or to the Kafka broker ``kafka`` (the lifespan then builds
    and stops the service's own ``KafkaBus``, as in the distributed mode). ``workers`` runs
    the outbox relay and the overdue sweeper in the app's lifespan (``HALO_WORKERS=1``).
    """
    settings = replace(service_settings("dukcapil", url, documents), workers=workers)
    if kafka is None:
        return create_app(settings, wiring(tokens))
    settings = replace(settings, bus="kafka", kafka_bootstrap=kafka)
    return create_app(settings, Wiring(verifier=tokens.verifier()))


# ------------------------------------------------------------------- child processes ----

def _serve(make_app: Callable[[], FastAPI], sock: socket.socket) -> None:
    import uvicorn

    config = uvicorn.Config(FrozenAfterStartup(make_app()), log_level="warning", access_log=False,
                            lifespan="on", timeout_graceful_shutdown=10)
    uvicorn.Server(config).run(sockets=[sock])


def _check_no_threads() -> None:
    if threading.active_count() > 1:
        raise RuntimeError("fork with threads running: start the child before any thread")


class UvicornChild:
    """``make_app()`` served by uvicorn in a forked child process on a free loopback port.

    Forking keeps the parent's test key set, so tokens issued in the parent verify in the
    child. Start it from plain synchronous code (outside ``asyncio.run``), before the parent
    has threads (no Kafka client, no thread pool yet).
    """

    def __init__(self, make_app: Callable[[], FastAPI]) -> None:
        self._make_app = make_app
        self._proc: multiprocessing.process.BaseProcess | None = None
        self.base_url = ""

    def start(self) -> None:
        _check_no_threads()
        # proto=IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only when
        # the listening socket says TCP; without it every response waits ~40 ms (Nagle and
        # delayed ACK on the header/body writes).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(1024)
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self._proc = multiprocessing.get_context("fork").Process(
            target=_serve, args=(self._make_app, sock), name="bench-uvicorn", daemon=True)
        self._proc.start()
        sock.close()

    @property
    def pid(self) -> int:
        """The child's process id (started)."""
        assert self._proc is not None and self._proc.pid is not None
        return self._proc.pid

    async def wait_ready(self, timeout_s: float = 90) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + timeout_s
        async with httpx.AsyncClient(base_url=self.base_url, timeout=2) as probe:
            while True:
                if not self._proc.is_alive():
                    raise RuntimeError(f"uvicorn child exited with {self._proc.exitcode}")
                try:
                    if (await probe.get("/readyz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("uvicorn child not ready in time")
                await asyncio.sleep(0.2)

    def stop(self) -> None:
        stop_child(self._proc)


def stop_child(proc: multiprocessing.process.BaseProcess | None) -> None:
    """SIGTERM (graceful: the lifespan's shutdown runs), SIGKILL after 30 s."""
    if proc is None or proc.exitcode is not None:
        return
    proc.terminate()
    proc.join(30)
    if proc.is_alive():
        proc.kill()
        proc.join(5)


# ------------------------------------------------------------------------ the walk ----

async def submit_case(client: httpx.AsyncClient, citizen: dict[str, str]) -> dict[str, Any]:
    """``POST /cases``: a KIA submission with its document; the new case (201) or an error."""
    response = await client.post(
        "/cases", headers=citizen, files={"berkas_persyaratan": PDF},
        data={"data": json.dumps({"sop_key": SOP, "form": FORM})})
    if response.status_code != 201:
        raise RuntimeError(f"POST /cases: {response.status_code} {response.text[:300]}")
    body: dict[str, Any] = response.json()
    return body


async def act_on_case(client: httpx.AsyncClient, officer: dict[str, str], case_id: str,
                      k: int) -> dict[str, Any]:
    """The ``k``-th officer action of ``WALK`` (0-based) on ``case_id``; the answer (200)."""
    _, action, step = WALK[k]
    response = await client.post(f"/cases/{case_id}/actions", headers=officer,
                                 json={"action": action, "step": step})
    if response.status_code != 200:
        raise RuntimeError(f"{action} on {case_id}: {response.status_code} "
                           f"{response.text[:300]}")
    body: dict[str, Any] = response.json()
    return body


async def lean_act(client: LoadClient, officer: dict[str, str], case_id: str,
                   k: int) -> dict[str, Any]:
    """``act_on_case`` through the lean load client: the same request, the same checks."""
    _, action, step = WALK[k]
    status, raw = await client.request("POST", f"/cases/{case_id}/actions", officer,
                                       json.dumps({"action": action, "step": step}).encode())
    if status != 200:
        raise RuntimeError(f"{action} on {case_id}: {status} {raw[:300]!r}")
    body: dict[str, Any] = json.loads(raw)
    return body


@dataclass
class Kia:
    """Opens KIA cases and walks them through the service's HTTP API."""

    client: httpx.AsyncClient
    tokens: TestTokens
    acts: LoadClient | None = None
    """The lean client the act phase goes through (``bench/loadclient.py``); httpx if None."""
    _officers: dict[str, dict[str, str]] = field(default_factory=dict)

    def officer(self, role: str) -> dict[str, str]:
        if role not in self._officers:
            self._officers[role] = self.tokens.headers(f"petugas-{role}", f"disdukcapil:{role}")
        return self._officers[role]

    def citizen(self, i: int) -> dict[str, str]:
        return self.tokens.headers(f"warga-{i:05d}", "citizen")

    async def open_case(self, citizen: dict[str, str]) -> str:
        return str((await submit_case(self.client, citizen))["id"])

    async def act(self, case_id: str, k: int) -> dict[str, Any]:
        """The ``k``-th officer action (0-based) on ``case_id`` (through ``acts`` if set)."""
        if self.acts is None:
            body = await act_on_case(self.client, self.officer(WALK[k][0]), case_id, k)
        else:
            body = await lean_act(self.acts, self.officer(WALK[k][0]), case_id, k)
        if k == len(WALK) - 1 and body["status"] != "completed":
            raise RuntimeError(f"case {case_id} ended {body['status']}")
        return body


async def run_pool(concurrency: int, jobs: list[Any],
                   work: Callable[[Any], Awaitable[Any | None]]) -> None:
    """Keep ``concurrency`` calls of ``work`` in flight. ``work(job)`` returns the job's
    follow-up (put back at the end of the queue) or None when the job is done."""
    queue: asyncio.Queue[Any] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    pending = len(jobs)
    finished = asyncio.Event()
    if pending == 0:
        return

    async def worker() -> None:
        nonlocal pending
        while True:
            job = await queue.get()
            try:
                follow = await work(job)
            except BaseException:
                finished.set()
                raise
            if follow is None:
                pending -= 1
                if pending == 0:
                    finished.set()
            else:
                queue.put_nowait(follow)

    workers = [asyncio.create_task(worker()) for _ in range(concurrency)]
    try:
        await finished.wait()  # every job done, or a worker failed
    finally:
        for w in workers:
            w.cancel()
        done = await asyncio.gather(*workers, return_exceptions=True)
    errors = [e for e in done if isinstance(e, Exception)
              and not isinstance(e, asyncio.CancelledError)]
    if errors:
        raise errors[0]


# ---------------------------------------------------------------------- statistics ----

def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def spread(values: list[float], fmt: str = ".1f") -> str:
    """``median (min - max)`` of per-repetition results."""
    return (f"{format(statistics.median(values), fmt)} "
            f"({format(min(values), fmt)} - {format(max(values), fmt)})")

