"""The gateway's own CPU per proxied request, away from the noise of a shared machine.

Method
------
* **Upstream**: a minimal ASGI app under uvicorn in a forked child process, answering every
  request with the same 2.6 kB JSON body (``Content-Length`` set). Its cost is not counted.
* **Gateway**: the real gateway app with every part (``gateway.app.load_parts()``) as the
  routing tests build it (``tests.gateway.routing.harness.gateway_stack``: SQLite, test key
  set), its client for ``umum`` an ``httpx.AsyncClient`` to the child over loopback
  (pooled keep-alive, as the distributed mode builds it).
* **Load**: ``GET /api/v1/umum/x`` called straight into the gateway's ASGI app (no HTTP
  client or server in this process), one at a time, ``--requests`` per repetition; every
  answer must be 200 with the whole body.
* **Measured**: this process's CPU time per request (``time.process_time``: what the
  gateway spent, not time waiting for a core other people's jobs hold), median and range
  over ``--reps``; the wall time per request for context.

``--clients`` measures the upstream HTTP clients alone instead, the same way (CPU per
``GET`` of the 2.6 kB body from the same child, whole body read, keep-alive), in alternation:
``httpx.AsyncClient`` (what the gateway used), httpcore's ``AsyncConnectionPool`` (httpx's
transport layer without httpx's models) and the gateway's own pooled client
(``gateway.routing.pool.UpstreamPool``).

``--in-process`` measures the all-in-one's way instead: the gateway's client for ``umum``
calls the same upstream app in this process (``StreamingASGITransport``, as
``gateway.allinone_app`` wires the services), so the upstream app's (small) cost is counted.

``--baseline DIR`` runs the same script against another tree of the code (e.g. a
``git archive`` of an earlier commit) in alternation with this one, so both see the same
load, and prints the ratio this / baseline.

    PYTHONPATH=. .venv/bin/python bench/gateway_cpu.py [--requests N] [--reps R] [--rounds K]
        [--baseline DIR] [--clients] [--in-process]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BODY = json.dumps({"items": [{"k": i, "v": "x" * 20} for i in range(100)]}).encode()
PATH = "/api/v1/umum/x"


async def upstream_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(BODY)).encode())]})
    await send({"type": "http.response.body", "body": BODY})


def serve(sock: socket.socket) -> None:
    import uvicorn

    config = uvicorn.Config(upstream_app, log_level="warning", lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


async def call(app: Any) -> None:
    """One request straight into the ASGI app; assert the whole 200 answer came."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": PATH, "raw_path": PATH.encode(),
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 5000),
             "headers": [(b"host", b"gateway"), (b"accept", b"application/json")],
             "server": ("gateway", 80), "state": {}}
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the caller never disconnects
        raise AssertionError("unreachable")

    status, size = 0, 0

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, size
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            size += len(message.get("body", b""))

    await app(scope, receive, send)
    assert status == 200 and size == len(BODY), (status, size)


def start_upstream() -> tuple[str, Any]:
    """The child answering :data:`BODY`, its URL (once it answers) and the process."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    child = multiprocessing.get_context("fork").Process(target=serve, args=(sock,), daemon=True)
    child.start()
    for _ in range(200):
        with socket.socket() as probe:
            if probe.connect_ex(sock.getsockname()) == 0:
                break
        time.sleep(0.05)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", child


async def measure(requests: int, reps: int, in_process: bool = False
                  ) -> tuple[float, float, float, float]:
    """(median CPU us, min, max, median wall us) per request through the gateway."""
    import httpx

    from gateway.app import load_parts
    from gateway.routing.asgi_stream import StreamingASGITransport
    from tests.gateway.routing.harness import gateway_stack

    logging.disable(logging.INFO)  # the access log line is the same in both trees
    url, child = start_upstream()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with gateway_stack(Path(tmp), (), parts=load_parts) as stack:
                runtime, conf = stack.runtime, stack.runtime.settings
                timeout = httpx.Timeout(conf.read_timeout_s, connect=conf.connect_timeout_s)
                runtime.clients["umum"] = (
                    httpx.AsyncClient(base_url="http://umum.internal", timeout=timeout,
                                      transport=StreamingASGITransport(upstream_app))
                    if in_process else httpx.AsyncClient(base_url=url, timeout=timeout))
                for _ in range(200):  # warm-up
                    await call(stack.gateway)
                cpu: list[float] = []
                wall: list[float] = []
                for _ in range(reps):
                    c0, w0 = time.process_time(), time.perf_counter()
                    for _ in range(requests):
                        await call(stack.gateway)
                    cpu.append((time.process_time() - c0) / requests * 1e6)
                    wall.append((time.perf_counter() - w0) / requests * 1e6)
                await runtime.clients["umum"].aclose()
    finally:
        child.terminate()
        child.join(5)
    return statistics.median(cpu), min(cpu), max(cpu), statistics.median(wall)


async def measure_clients(requests: int, reps: int, rounds: int) -> None:
    """CPU per request of each upstream client alone (see the module docstring)."""
    import httpcore
    import httpx

    from gateway.routing.pool import UpstreamPool

    url, child = start_upstream()
    try:
        async with httpx.AsyncClient(base_url=url) as hx, httpcore.AsyncConnectionPool() as hc:
            pool = UpstreamPool.for_url(url, connect_s=5, read_s=30)
            headers = [(b"accept", b"application/json"), (b"x-request-id", b"r-1"),
                       (b"x-forwarded-for", b"127.0.0.1"), (b"accept-encoding", b"identity")]
            target = f"{url}/x"

            async def by_httpx() -> bytes:
                async with hx.stream("GET", "/x", headers=dict(headers)) as response:
                    return b"".join([c async for c in response.aiter_raw()])

            async def by_httpcore() -> bytes:
                async with hc.stream("GET", target, headers=headers) as response:
                    return b"".join([c async for c in response.aiter_stream()])

            async def by_pool() -> bytes:
                return await (await pool.send("GET", b"/x", headers)).read()

            ways = {"httpx": by_httpx, "httpcore": by_httpcore, "own pool": by_pool}
            cpu: dict[str, list[float]] = {name: [] for name in ways}
            for name, way in ways.items():  # warm-up
                for _ in range(200):
                    assert await way() == BODY, name
            for round_no in range(rounds):
                order = list(ways.items())[round_no % 3:] + list(ways.items())[:round_no % 3]
                for name, way in order:
                    for _ in range(reps):
                        c0 = time.process_time()
                        for _ in range(requests):
                            await way()
                        cpu[name].append((time.process_time() - c0) / requests * 1e6)
            await pool.aclose()
    finally:
        child.terminate()
        child.join(5)
    base = statistics.median(cpu["httpx"])
    for name, values in cpu.items():
        print(f"{name:<9} client CPU per request: median {statistics.median(values):6.0f} us "
              f"({min(values):.0f} - {max(values):.0f}), {statistics.median(values) / base:.2f}x"
              " httpx")


def run_tree(tree: Path, requests: int, reps: int, in_process: bool
             ) -> tuple[float, float, float, float]:
    """:func:`measure` in a child interpreter importing ``tree``'s code."""
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", "--requests", str(requests),
         "--reps", str(reps), *(["--in-process"] if in_process else [])],
        cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=True).stdout
    values = json.loads(out.strip().splitlines()[-1])
    return values[0], values[1], values[2], values[3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000, help="per repetition")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2, help="alternations with --baseline")
    parser.add_argument("--baseline", type=Path, help="another tree of the code to compare")
    parser.add_argument("--clients", action="store_true",
                        help="the upstream HTTP clients alone (httpx, httpcore, own pool)")
    parser.add_argument("--in-process", action="store_true",
                        help="the all-in-one's way: the upstream app in process "
                             "(StreamingASGITransport), its cost counted")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.clients:
        asyncio.run(measure_clients(args.requests, args.reps, args.rounds))
        return
    if args.child:
        print(json.dumps(asyncio.run(measure(args.requests, args.reps, args.in_process))))
        return
    trees = {"this tree": ROOT}
    if args.baseline:
        trees["baseline"] = args.baseline.resolve()
    medians: dict[str, list[float]] = {name: [] for name in trees}
    for round_no in range(args.rounds if args.baseline else 1):
        order = list(trees.items()) if round_no % 2 == 0 else list(trees.items())[::-1]
        for name, tree in order:
            cpu, low, high, wall = run_tree(tree, args.requests, args.reps, args.in_process)
            medians[name].append(cpu)
            print(f"  round {round_no + 1} {name:<9} gateway CPU {cpu:7.0f} us/request "
                  f"({low:.0f} - {high:.0f})  wall {wall:7.0f} us", flush=True)
    for name, values in medians.items():
        print(f"{name:<9} CPU per request: median {statistics.median(values):.0f} us "
              f"(rounds {', '.join(f'{v:.0f}' for v in values)})")
    if args.baseline:
        ratios = [a / b for a, b in zip(medians["this tree"], medians["baseline"], strict=True)]
        print(f"ratio this / baseline: median {statistics.median(ratios):.2f} "
              f"({min(ratios):.2f} - {max(ratios):.2f})")


if __name__ == "__main__":
    main()
