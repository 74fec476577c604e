"""Run the gateway as its own process (distributed mode): ``python -m gateway.run --port 8000``.

Services are reached over HTTP at ``HALO_<SERVICE>_URL`` (default 127.0.0.1:81xx); events come
from Kafka (``HALO_BUS=kafka``, ``HALO_KAFKA_BOOTSTRAP``).
"""

from __future__ import annotations

import argparse
import os

import uvicorn

from gateway.app import create_gateway_app
from shared.observability.logging import configure_logging


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    os.environ.setdefault("HALO_BUS", "kafka")  # a process of its own talks over Kafka
    configure_logging()
    uvicorn.run(create_gateway_app(), host=args.host, port=args.port, log_config=None,
                access_log=False)


if __name__ == "__main__":
    main()
