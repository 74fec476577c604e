"""The kepegawaian service app: its SOP folder, hooks, department routes, its own tables and
the leave loop (reconciliation and SIASN records)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.kepegawaian.hooks import hooks
from services.kepegawaian.loops import leave_loop
from services.kepegawaian.routes import router
from shared.settings import ServiceSettings
from shared.web.app import ServiceSpec, Wiring, create_service_app

SPEC = ServiceSpec(name="kepegawaian", title="Kepegawaian (BKD)",
                   sops_dir=Path(__file__).with_name("sops"), hooks=hooks, routers=[router],
                   migrations=Path(__file__).with_name("migrations"), background=[leave_loop])


def create_app(settings: ServiceSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    return create_service_app(SPEC, settings, wiring)
