"""The pengaduan service app: its SOP folder, hooks and department routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.pengaduan.hooks import hooks
from shared.settings import ServiceSettings
from shared.web.app import ServiceSpec, Wiring, create_service_app

SPEC = ServiceSpec(name="pengaduan", title="Pengaduan Masyarakat",
                   sops_dir=Path(__file__).with_name("sops"), hooks=hooks,
                   migrations=Path(__file__).with_name("migrations"))


def create_app(settings: ServiceSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    return create_service_app(SPEC, settings, wiring)
