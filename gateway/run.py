"""Run the gateway as its own process (distributed mode): ``python -m gateway.run --port 8000``.

Services are reached over HTTP at ``HALO_<SERVICE>_URL`` (default 127.0.0.1:81xx); events come
from Kafka (``HALO_BUS=kafka``, ``HALO_KAFKA_BOOTSTRAP``).

``HALO_FORWARDED_ALLOW_IPS`` names the reverse proxies (ingress) whose ``X-Forwarded-For`` and
``X-Forwarded-Proto`` are believed: a comma list of IP addresses or networks (CIDR), or ``*``
(any peer: only when nothing but the proxy can reach the gateway). Empty (the default): no
proxy is trusted, the client is the TCP peer. The per-client rate limits key on that client.

``--loop``/``--http`` choose uvicorn's event loop and HTTP parser; the default ``auto`` takes
uvloop and httptools (both installed), the others are there to measure against
(``bench/gateway_overhead.py --variant``).

``/metrics`` is served on a second listener only (``HALO_METRICS_PORT``, bound to
``HALO_METRICS_HOST`` or ``--host``; see :mod:`shared.observability.exposition`).
"""

from __future__ import annotations

import argparse
import ipaddress
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI

from gateway.app import create_gateway_app
from gateway.identity.demo import seed_demo_accounts
from shared.observability.exposition import MetricsListener, start_or_exit
from shared.observability.logging import configure_logging
from shared.settings import SettingsError
from shared.web.long_lived import FrozenAfterStartup

FORWARDED_ENV = "HALO_FORWARDED_ALLOW_IPS"


def proxy_options(raw: str | None) -> dict[str, Any]:
    """uvicorn's proxy options for ``HALO_FORWARDED_ALLOW_IPS`` (``raw``)."""
    items = [item.strip() for item in (raw or "").split(",") if item.strip()]
    if not items:
        return {"proxy_headers": False}
    if items != ["*"]:
        for item in items:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise SettingsError(f"{FORWARDED_ENV}: '{item}' bukan alamat IP atau jaringan "
                                    "(CIDR); isi daftar dipisah koma atau '*'") from None
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(items)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--demo", action="store_true", help="seed the demo accounts")
    parser.add_argument("--loop", choices=["auto", "asyncio", "uvloop"], default="auto",
                        help="uvicorn's event loop (auto: uvloop when installed)")
    parser.add_argument("--http", choices=["auto", "h11", "httptools"], default="auto",
                        help="uvicorn's HTTP parser (auto: httptools when installed)")
    args = parser.parse_args()
    proxy = proxy_options(os.environ.get(FORWARDED_ENV))  # a bad value stops the start here
    metrics = MetricsListener.from_env(default_host=args.host)
    os.environ.setdefault("HALO_BUS", "kafka")  # a process of its own talks over Kafka
    configure_logging()
    start_or_exit(metrics)  # a taken port stops the start here, before the app starts
    app = create_gateway_app()
    if args.demo or os.environ.get("HALO_DEMO") == "1":
        app = with_demo_accounts(app)
    uvicorn.run(FrozenAfterStartup(app), host=args.host, port=args.port, log_config=None,
                access_log=False, loop=args.loop, http=args.http, **proxy)


def with_demo_accounts(app: FastAPI) -> FastAPI:
    """Seed the documented demo accounts once the gateway has started (idempotent)."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app_: FastAPI) -> AsyncIterator[None]:
        async with inner(app_):
            accounts = await seed_demo_accounts(app_.state.runtime)
            print(f"Akun demo siap: {len(accounts)} (lihat docs/demo-accounts.md)", flush=True)
            yield

    app.router.lifespan_context = lifespan
    return app


if __name__ == "__main__":
    main()
