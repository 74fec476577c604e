"""The perizinan service app: its SOP folder, hooks, the permit registry (tables, routes,
expiry loop)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from services.perizinan import context, expiry
from services.perizinan.hooks import hooks
from services.perizinan.routes import router
from shared.events.notice import notice_topic
from shared.settings import ServiceSettings
from shared.web.app import ServiceSpec, Wiring, create_service_app

SPEC = ServiceSpec(name="perizinan", title="Perizinan dan Rekomendasi",
                   sops_dir=Path(__file__).with_name("sops"), hooks=hooks,
                   routers=[router], migrations=Path(__file__).with_name("migrations"),
                   background=[expiry.run])


def create_app(settings: ServiceSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    app = create_service_app(SPEC, settings, wiring)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[None]:
        async with inner(a):
            context.bind(a.state.runtime)  # the hooks' cipher and clock (see context.py)
            await a.state.runtime.bus.ensure_topics([notice_topic(SPEC.name)])
            yield

    app.router.lifespan_context = lifespan
    return app
