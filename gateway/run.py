"""Run the gateway as its own process (distributed mode): ``python -m gateway.run --port 8000``.

Services are reached over HTTP at ``HALO_<SERVICE>_URL`` (default 127.0.0.1:81xx); events come
from Kafka (``HALO_BUS=kafka``, ``HALO_KAFKA_BOOTSTRAP``).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from gateway.app import create_gateway_app
from gateway.identity.demo import seed_demo_accounts
from shared.observability.logging import configure_logging


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--demo", action="store_true", help="seed the demo accounts")
    args = parser.parse_args()
    os.environ.setdefault("HALO_BUS", "kafka")  # a process of its own talks over Kafka
    configure_logging()
    app = create_gateway_app()
    if args.demo or os.environ.get("HALO_DEMO") == "1":
        app = with_demo_accounts(app)
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False)


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
