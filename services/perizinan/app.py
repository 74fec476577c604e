"""The perizinan service app: its SOP folder, hooks, the permit registry (tables, routes,
expiry loop).

Each app gets its own :class:`PermitContext` (the cipher, NIK hash key and clock of its
runtime, bound when it starts); ``SPEC`` is the one the worker and the migration command
use (its expiry loop binds its context in the worker process).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from services.perizinan.context import PermitContext
from services.perizinan.expiry import expiry_loop
from services.perizinan.hooks import build_hooks
from services.perizinan.routes import router
from shared.events.notice import notice_topic
from shared.settings import ServiceSettings
from shared.web.app import ServiceSpec, Wiring, create_service_app


def spec_for(context: PermitContext) -> ServiceSpec:
    return ServiceSpec(name="perizinan", title="Perizinan dan Rekomendasi",
                       sops_dir=Path(__file__).with_name("sops"), hooks=build_hooks(context),
                       routers=[router], migrations=Path(__file__).with_name("migrations"),
                       background=[expiry_loop(context)])


SPEC = spec_for(PermitContext())


def create_app(settings: ServiceSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    context = PermitContext()
    spec = spec_for(context)
    app = create_service_app(spec, settings, wiring)
    started = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        async with started(application):
            context.bind(application.state.runtime)
            await application.state.runtime.bus.ensure_topics([notice_topic(spec.name)])
            yield

    app.router.lifespan_context = lifespan
    return app
