"""Where a process's metrics are served: a second listener, never the public port.

``/metrics`` shows volumes per SOP and per agency, so it is not for the public: the public
(main) port of every process answers 404 for it, and the gateway never relays a service's
``/metrics``. Prometheus scrapes a second listener on the internal network instead:

- ``HALO_METRICS_PORT``: the port of that listener (``0``: none). Unset, the all-in-one
  process uses :data:`ALLINONE_PORT` (9464); the per-process entry points (``gateway.run``,
  ``services.run``, ``services.worker``) serve none unless it is set (``make up``, compose
  and Kubernetes set it: 9464 in containers).
- ``HALO_METRICS_HOST``: the address it binds. Unset: ``127.0.0.1`` in the all-in-one and the
  worker, the main listener's ``--host`` for ``gateway.run`` and ``services.run`` (in a
  container, ``0.0.0.0``: reachable by Prometheus inside the cluster network only, as the
  NetworkPolicy and the compose network keep it).

The listener is prometheus_client's own HTTP server on a daemon thread, serving the same
registry as the process (one registry per process). It binds before the app starts: a port
already taken stops the start-up at once with :class:`MetricsPortTaken`, whose message says
which setting to change. Tests read the registry through :data:`metrics_app` (ASGI).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest, start_http_server
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from shared.settings import SettingsError

PORT_ENV = "HALO_METRICS_PORT"
HOST_ENV = "HALO_METRICS_HOST"
ALLINONE_PORT = 9464
"""The all-in-one's metrics port when ``HALO_METRICS_PORT`` is unset (on 127.0.0.1)."""
LOCAL_HOST = "127.0.0.1"


class MetricsPortTaken(SettingsError):
    """The metrics listener could not bind its address."""


@dataclass(frozen=True)
class MetricsListener:
    """Where the metrics listener binds (``port`` 0: no listener)."""

    host: str
    port: int

    @classmethod
    def from_env(cls, default_port: int = 0, default_host: str = LOCAL_HOST) -> MetricsListener:
        raw = (os.environ.get(PORT_ENV) or "").strip()
        if not raw:
            port = default_port
        else:
            try:
                port = int(raw)
            except ValueError:
                raise SettingsError(f"{PORT_ENV} harus nomor port (0–65535)") from None
        if not 0 <= port <= 65535:
            raise SettingsError(f"{PORT_ENV} harus nomor port (0–65535)")
        return cls(host=(os.environ.get(HOST_ENV) or "").strip() or default_host, port=port)

    def start(self) -> Any:
        """Serve the registry on ``host:port`` from a daemon thread (None when port is 0);
        the server is returned so that tests can shut it down."""
        if not self.port:
            return None
        try:
            server, _ = start_http_server(self.port, addr=self.host)
        except OSError as exc:
            raise MetricsPortTaken(
                f"{PORT_ENV}: port metrik {self.host}:{self.port} tidak dapat dipakai "
                f"({exc.strerror or exc}); pilih port lain dengan {PORT_ENV}=<port> "
                f"atau {PORT_ENV}=0 untuk tanpa metrik") from None
        return server


def exposition() -> bytes:
    """The process's metrics in the Prometheus text format."""
    return generate_latest(REGISTRY)


async def _metrics(request: Request) -> Response:
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)


async def _not_found(request: Request, exc: Exception) -> Response:
    return PlainTextResponse("not found", status_code=404)


metrics_app = Starlette(routes=[Route("/metrics", _metrics)],
                        exception_handlers={404: _not_found})
"""The metrics listener's answer as an ASGI app (``GET /metrics``), for tests and for any
process that would rather mount it on an internal server of its own."""


def start_or_exit(listener: MetricsListener) -> Any:
    """:meth:`MetricsListener.start` for an entry point: a port that cannot be bound ends
    the process at once with the reason on stderr (exit status 1), before the app starts."""
    try:
        return listener.start()
    except MetricsPortTaken as exc:
        raise SystemExit(f"halo: {exc}") from None
