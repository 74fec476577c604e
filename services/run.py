"""Run one department service as its own process (distributed mode).

``python -m services.run dukcapil --port 8101`` serves the HTTP API; the outbox relay and the
overdue sweeper run in a separate process (``python -m services.worker dukcapil``) unless
``--with-workers`` is given. Configuration comes from ``HALO_*`` variables (shared.settings).
``/metrics`` is served on a second listener only (``HALO_METRICS_PORT``, bound to
``HALO_METRICS_HOST`` or ``--host``; see :mod:`shared.observability.exposition`).
"""

from __future__ import annotations

import argparse
import importlib
import os

import uvicorn

from shared.observability.exposition import MetricsListener, start_or_exit
from shared.observability.logging import configure_logging
from shared.web.long_lived import FrozenAfterStartup

SERVICES = ("dukcapil", "perizinan", "pengaduan", "damkar", "pajak", "kepegawaian", "umum")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("service", choices=SERVICES)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--with-workers", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HALO_WORKERS", "1" if args.with_workers else "0")
    os.environ.setdefault("HALO_BUS", "kafka")  # a process of its own talks over Kafka
    metrics = MetricsListener.from_env(default_host=args.host)
    configure_logging()
    start_or_exit(metrics)  # a taken port stops the start here, before the app starts
    app = importlib.import_module(f"services.{args.service}.app").create_app()
    uvicorn.run(FrozenAfterStartup(app), host=args.host, port=args.port, log_config=None,
                access_log=False)


if __name__ == "__main__":
    main()
