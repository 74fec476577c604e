"""The background worker of one service (distributed mode): the outbox relay, the overdue
sweeper and the output worker (render and sign documents), as a process of its own.
``python -m services.worker dukcapil``.

It builds the same runtime as the HTTP process (database, catalog, bus) but serves no HTTP.
On PostgreSQL it listens for the commit signal of new outbox rows (shared.events.outbox_signal)
so the relay publishes at once instead of at its next poll. SIGTERM/SIGINT stop it cleanly.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import signal

from prometheus_client import start_http_server

from shared.auth.tokens import TokenVerifier
from shared.events.factory import bus_from_settings
from shared.events.outbox_signal import listen
from shared.observability.logging import configure_logging
from shared.settings import ServiceSettings
from shared.web.runtime import ServiceRuntime, build_runtime, jwks_from_url

SERVICES = ("dukcapil", "perizinan", "pengaduan", "damkar", "pajak", "kepegawaian", "umum")


async def run(service: str) -> None:
    spec = importlib.import_module(f"services.{service}.app").SPEC
    settings = ServiceSettings.from_env(service)
    bus = bus_from_settings(settings.bus, settings.kafka_bootstrap, f"halo-{service}-worker")
    await bus.start()
    verifier = TokenVerifier(jwks_from_url(settings.jwks_url), settings.tokens)
    runtime = await build_runtime(settings, spec.sops_dir, spec.hooks, bus, verifier)
    stop = runtime.stop_event
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        loops = [runtime.relay.run(stop), runtime.sweeper.run(stop, settings.sweeper_interval_s)]
        if runtime.outputs is not None:
            loops.append(runtime.outputs.worker.run(stop))
        if settings.database_url.startswith("postgresql"):
            loops.append(listen(settings.database_url, service, lambda: _wake(runtime), stop))
        await asyncio.gather(*loops)
    finally:
        await runtime.stop()
        await bus.stop()


def _wake(runtime: ServiceRuntime) -> None:
    """New outbox rows were committed: publish them, and look for outputs to sign (a step
    that issues one writes its pending row in the same transaction)."""
    runtime.relay.notify()
    if runtime.outputs is not None:
        runtime.outputs.worker.notify()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("service", choices=SERVICES)
    parser.add_argument("--metrics-port", type=int, default=0,
                        help="serve /metrics on 127.0.0.1:<port> (0: none)")
    args = parser.parse_args()
    os.environ.setdefault("HALO_BUS", "kafka")  # a process of its own talks over Kafka
    configure_logging()
    if args.metrics_port:
        start_http_server(args.metrics_port, addr="127.0.0.1")
    asyncio.run(run(args.service))


if __name__ == "__main__":
    main()
