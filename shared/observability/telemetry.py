"""FastAPI's own OpenTelemetry hooks, switched off for every app of the project.

Halo Lamsel's metrics are Prometheus ones (:mod:`shared.observability.metrics`) and its logs
are JSON lines (:mod:`shared.observability.logging`); no OpenTelemetry provider is ever
configured. FastAPI still asked on every request whether one was (a look at the global
tracer, meter and logger providers): 3 % of the gateway's CPU per proxied request and 1 % of
an act (``py-spy`` samples, issue 12). With the three signals off in the app's own
configuration the check is three boolean tests.
"""

from __future__ import annotations

from fastapi.telemetry import TelemetryConfig

OFF: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}
"""``FastAPI(telemetry=OFF)``."""
