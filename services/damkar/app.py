"""The damkar service app: its SOP folder, hooks, the emergency reports (tables, routes).

``create_app(..., reports=...)`` takes the report rate limits (default: the environment,
:mod:`services.damkar.settings`).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.damkar.hooks import hooks
from services.damkar.routes import router
from services.damkar.settings import ReportSettings
from shared.settings import ServiceSettings
from shared.web.app import ServiceSpec, Wiring, create_service_app

SPEC = ServiceSpec(name="damkar", title="Pemadam Kebakaran dan Penyelamatan",
                   sops_dir=Path(__file__).with_name("sops"), hooks=hooks, routers=[router],
                   migrations=Path(__file__).with_name("migrations"))


def create_app(settings: ServiceSettings | None = None, wiring: Wiring | None = None,
               reports: ReportSettings | None = None) -> FastAPI:
    app = create_service_app(SPEC, settings, wiring)
    app.state.damkar_reports = reports or ReportSettings.from_env()
    return app
