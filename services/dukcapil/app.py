"""The dukcapil service app: its SOP folder, hooks, tables, SIAK loop and department routes.

Each app gets its own :class:`DukcapilContext` (clock and cipher of its runtime, its SIAK
client); ``SPEC`` is the one the worker and the migration command use.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.dukcapil.adapters.siak import SiakClient
from services.dukcapil.context import DukcapilContext
from services.dukcapil.hooks import build_hooks
from services.dukcapil.routes import router
from services.dukcapil.siak_outbox import siak_loop
from shared.settings import ServiceSettings
from shared.web.app import ServiceSpec, Wiring, create_service_app


def spec_for(ctx: DukcapilContext) -> ServiceSpec:
    return ServiceSpec(name="dukcapil", title="Kependudukan dan Pencatatan Sipil",
                       sops_dir=Path(__file__).with_name("sops"), hooks=build_hooks(ctx),
                       routers=[router], migrations=Path(__file__).with_name("migrations"),
                       background=[siak_loop(ctx)])


SPEC = spec_for(DukcapilContext())


def create_app(settings: ServiceSettings | None = None, wiring: Wiring | None = None,
               siak: SiakClient | None = None) -> FastAPI:
    """``siak``: the SIAK client to use (tests: the adapter on the stand-in); None: the one
    ``HALO_DUKCAPIL_SIAK_URL`` names, or none."""
    ctx = DukcapilContext(siak=siak)
    app = create_service_app(spec_for(ctx), settings, wiring)
    ctx.bind(app)
    return app
