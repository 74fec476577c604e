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
from pathlib import Path

from shared.auth.tokens import TokenVerifier
from shared.events.factory import bus_from_settings
from shared.events.outbox_signal import listen
from shared.observability import heartbeat
from shared.observability.exposition import PORT_ENV, MetricsListener, start_or_exit
from shared.observability.logging import configure_logging
from shared.settings import ServiceSettings
from shared.web.app import department_migrations
from shared.web.runtime import ServiceRuntime, build_runtime, jwks_from_url

SERVICES = ("dukcapil", "perizinan", "pengaduan", "damkar", "pajak", "kepegawaian", "umum")


async def run(service: str) -> None:
    spec = importlib.import_module(f"services.{service}.app").SPEC
    settings = ServiceSettings.from_env(service)
    bus = bus_from_settings(settings.bus, settings.kafka_bootstrap, f"halo-{service}-worker")
    await bus.start()
    verifier = TokenVerifier(jwks_from_url(settings.jwks_url), settings.tokens)
    runtime = await build_runtime(settings, spec.sops_dir, spec.hooks, bus, verifier,
                                  department=department_migrations(spec))
    stop = runtime.stop_event
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        loops = [runtime.relay.run(stop), runtime.sweeper.run(stop, settings.sweeper_interval_s),
                 *(loop(runtime, stop) for loop in spec.background)]
        if runtime.outputs is not None:
            loops.append(runtime.outputs.worker.run(stop))
        if settings.database_url.startswith("postgresql"):
            loops.append(listen(settings.database_url, service, lambda: _wake(runtime), stop))
        beat_file = os.environ.get("HALO_HEARTBEAT_FILE")
        if beat_file:  # the liveness probe of a process without HTTP (Kubernetes)
            loops.append(heartbeat.run(Path(beat_file), stop))
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
    parser.add_argument("--metrics-port", type=int, default=None,
                        help=f"serve /metrics on <metrics-host>:<port> (0: none; default: "
                        f"{PORT_ENV}, else none)")
    parser.add_argument("--metrics-host", default=None,
                        help="address of the metrics listener (0.0.0.0 in a container; "
                        "default: HALO_METRICS_HOST, else 127.0.0.1)")
    args = parser.parse_args()
    os.environ.setdefault("HALO_BUS", "kafka")  # a process of its own talks over Kafka
    metrics = MetricsListener.from_env()
    metrics = MetricsListener(args.metrics_host or metrics.host,
                              metrics.port if args.metrics_port is None else args.metrics_port)
    configure_logging()
    start_or_exit(metrics)  # a taken port stops the start here
    asyncio.run(run(args.service))


if __name__ == "__main__":
    main()
