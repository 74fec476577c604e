"""The service app factory: one call builds a department service.

A department passes its name, its SOP folder, its hooks and its own routers; it gets the
generic routes (ARCHITECTURE.md §5), problem+json errors, the request-id middleware,
``/healthz``, ``/readyz``, ``/metrics``, and in its lifespan: migrations, SOP sync, the
outbox relay and the overdue sweeper.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI

from shared.auth.tokens import TokenVerifier
from shared.cases.hooks import Hooks
from shared.events.bus import EventBus
from shared.events.factory import bus_from_settings
from shared.observability import telemetry
from shared.settings import ServiceSettings
from shared.web import (
    docs,
    ops,
    routes_cases,
    routes_documents,
    routes_outputs,
    routes_sops,
    routes_unmask,
)
from shared.web.act_endpoint import ActEndpoint
from shared.web.limits import BodyLimits, JsonLimits
from shared.web.middleware import RequestContext
from shared.web.openapi import install_openapi, route_name_id
from shared.web.openapi_examples import SERVICE_EXAMPLES
from shared.web.problems import install_problem_handlers
from shared.web.runtime import (
    ServiceRuntime,
    build_runtime,
    jwks_from_url,
    start_workers,
    utc_now,
)
from shared.web.vocabulary import SERVICE_SCHEMAS, with_old_schema_names

BackgroundLoop = Callable[[ServiceRuntime, asyncio.Event], Coroutine[Any, Any, None]]
"""A department's own background work (reminders, reconciliations): runs until the event is set,
in the worker process (or in the HTTP process when it runs the workers, as all-in-one does)."""


@dataclass
class ServiceSpec:
    """What a department service consists of."""

    name: str
    title: str
    sops_dir: Path
    hooks: Hooks = field(default_factory=Hooks)
    routers: list[APIRouter] = field(default_factory=list)
    migrations: Path | None = None
    """The department's own Alembic folder (``services/<name>/migrations``) for the tables of
    its domain, in the service's database with the version table ``alembic_version_<name>``;
    run after the platform's (``python -m services.migrate <name> upgrade``)."""
    background: list[BackgroundLoop] = field(default_factory=list)


@dataclass
class Wiring:
    """Shared parts handed in by the all-in-one process (one bus, one key set) or by tests."""

    bus: EventBus | None = None
    verifier: TokenVerifier | None = None
    clock: Callable[[], datetime] = utc_now
    limits: JsonLimits | None = None
    """Body limits (None: ``HALO_MAX_JSON_*``, :mod:`shared.web.limits`)."""


def department_migrations(spec: ServiceSpec) -> tuple[Path, str] | None:
    """The department's migration folder and its version table, if it has tables of its own."""
    return (spec.migrations, f"alembic_version_{spec.name}") if spec.migrations else None


def create_service_app(spec: ServiceSpec, settings: ServiceSettings | None = None,
                       wiring: Wiring | None = None) -> FastAPI:
    wiring = wiring or Wiring()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        conf = settings or ServiceSettings.from_env(spec.name)
        bus = wiring.bus or bus_from_settings(conf.bus, conf.kafka_bootstrap, f"halo-{spec.name}")
        verifier = wiring.verifier or TokenVerifier(jwks_from_url(conf.jwks_url), conf.tokens)
        await bus.start()
        try:
            runtime = await build_runtime(conf, spec.sops_dir, spec.hooks, bus, verifier,
                                          wiring.clock, department_migrations(spec))
        except BaseException:
            if wiring.bus is None:
                await bus.stop()
            raise
        app.state.runtime = runtime
        start_workers(runtime, spec.background)
        runtime.ready = True
        try:
            yield
        finally:
            runtime.ready = False
            await runtime.stop()
            if wiring.bus is None:
                await bus.stop()

    app = FastAPI(title=f"Halo Lamsel: layanan {spec.title}", version="1.0.0",
                  lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json", generate_unique_id_function=route_name_id,
                  telemetry=telemetry.OFF)
    install_problem_handlers(app)
    app.add_middleware(ActEndpoint)  # innermost: the act before FastAPI's routing
    app.add_middleware(BodyLimits, limits=wiring.limits)
    app.add_middleware(RequestContext, service=spec.name)
    app.include_router(ops.router)
    app.include_router(routes_sops.router)
    app.include_router(routes_cases.router)
    app.include_router(routes_unmask.router)
    app.include_router(routes_documents.router)
    app.include_router(routes_outputs.router)
    for router in spec.routers:
        app.include_router(router)
    app.include_router(docs.router)
    install_openapi(app, examples=SERVICE_EXAMPLES, servers=[{"url": f"/api/v1/{spec.name}"}],
                    extend=lambda document: with_old_schema_names(document, SERVICE_SCHEMAS))
    return app
