"""The pengaduan service app: its SOP folder, hooks and department routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.pengaduan import anonymity, lapor_flow
from services.pengaduan.hooks import hooks
from services.pengaduan.lapor_mapping import service_sops
from services.pengaduan.lapor_routes import router as lapor
from services.pengaduan.lapor_sync import lapor_loop
from services.pengaduan.open311_keys import router as open311_keys
from services.pengaduan.open311_routes import router as open311
from shared.settings import ServiceSettings
from shared.web.app import ServiceSpec, Wiring, create_service_app

anonymity.install(hooks, list(service_sops()))  # anonymous and secret reports
lapor_flow.install(hooks, list(service_sops()))  # SP4N-LAPOR! pushes of officers' actions
SPEC = ServiceSpec(name="pengaduan", title="Pengaduan Masyarakat",
                   sops_dir=Path(__file__).with_name("sops"), hooks=hooks,
                   routers=[open311, open311_keys, lapor], background=[lapor_loop()],
                   migrations=Path(__file__).with_name("migrations"))


def create_app(settings: ServiceSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    return create_service_app(SPEC, settings, wiring)
