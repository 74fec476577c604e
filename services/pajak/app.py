"""The pajak service app: its SOP folder, hooks, department routes and tables."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.exc import IntegrityError

from services.pajak import demo
from services.pajak.bank_sync import bank_sync
from services.pajak.hooks import PajakContext, build_hooks, hooks
from services.pajak.ratelimit import BillLimiter, BillLimits
from services.pajak.routes import routers
from shared.settings import ServiceSettings
from shared.web.app import ServiceSpec, Wiring, create_service_app

SPEC = ServiceSpec(name="pajak", title="Pajak dan Retribusi Daerah",
                   sops_dir=Path(__file__).with_name("sops"), hooks=hooks,
                   routers=routers, migrations=Path(__file__).with_name("migrations"),
                   background=[bank_sync])


async def seed_demo_data(app: FastAPI) -> int:
    """Seed the demo tax objects into a started pajak app (the all-in-one's demo may call
    it); the number newly registered. A replica seeding at the same time is harmless."""
    runtime = app.state.runtime
    try:
        return await demo.seed(runtime.sessions, runtime.cases.cipher,
                               runtime.settings.pii_key, runtime.clock())
    except IntegrityError:
        return 0


def create_app(settings: ServiceSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    """The service app; its hooks get the running service's PII cipher once it has started
    (the registry seals the taxpayer's NIK and name with it). With ``HALO_DEMO=1`` the demo
    tax objects and their 2026 SPPTs are seeded at start (idempotent). The bill check's
    limits are read at start (a bad setting stops it)."""
    context = PajakContext()
    app = create_service_app(replace(SPEC, hooks=build_hooks(context)), settings, wiring)
    started = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        async with started(application):
            runtime = application.state.runtime
            context.cipher, context.key = runtime.cases.cipher, runtime.settings.pii_key
            application.state.pajak_bill_limiter = BillLimiter(BillLimits.from_env())
            if os.environ.get("HALO_DEMO") == "1":
                await seed_demo_data(application)
            yield

    app.router.lifespan_context = lifespan
    return app
