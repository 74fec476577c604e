"""The gateway app factory: identity, routing, catalog and tracking parts over one runtime."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from gateway.apidocs.events import router as events_router
from gateway.apidocs.examples import GATEWAY_EXAMPLES
from gateway.apidocs.merge import merge, service_specs
from gateway.routing.fastpath import ServiceProxy
from gateway.runtime import GatewayPart, GatewayRuntime
from gateway.settings import SERVICES, GatewaySettings, cors_origins
from shared.auth.keys import KeySet
from shared.auth.tokens import TokenIssuer, TokenVerifier
from shared.db import migrate
from shared.db.session import make_engine, make_sessionmaker
from shared.events.bus import EventBus
from shared.events.factory import bus_from_settings
from shared.observability import telemetry
from shared.settings import is_production
from shared.web import docs, ops
from shared.web.limits import BodyLimits, JsonLimits
from shared.web.middleware import RequestContext
from shared.web.openapi import install_openapi, route_name_id
from shared.web.problems import install_problem_handlers
from shared.web.runtime import shifted, utc_now

PART_MODULES = ("gateway.routing.known", "gateway.identity.part", "gateway.catalog.part",
                "gateway.tracking.part",
                "gateway.survey.part", "gateway.verify.part", "gateway.notifications.part",
                "gateway.webhooks.part", "gateway.otp.part", "gateway.routing.part",
                "gateway.web.part")
"""Routing comes after the API parts: its catch-all ``/api/v1/{service}/...`` must not shadow
them; the web app's catch-all (``/{path}``, the SPA) comes last of all. The known services'
routes (``gateway.routing.known``, service names only: they shadow nothing) come first, so a
proxied request is not matched against every other route first."""


@dataclass
class GatewayWiring:
    """Parts handed in by the all-in-one process or by tests."""

    bus: EventBus | None = None
    transports: dict[str, httpx.AsyncBaseTransport] = field(default_factory=dict)
    keys: KeySet | None = None
    clock: Callable[[], datetime] = utc_now
    limits: JsonLimits | None = None
    """Body limits (None: ``HALO_MAX_JSON_*``, :mod:`shared.web.limits`)."""


def load_parts() -> list[GatewayPart]:
    return [importlib.import_module(m).PART for m in PART_MODULES]


def load_keys(folder: Path) -> KeySet:
    """The signing keys from the folder every replica shares (``HALO_KEY_DIR``). In production
    it must exist already (``python -m shared.auth.keys create <folder>``): a replica that
    made its own key would sign tokens the others refuse. In development it is created."""
    return KeySet.load(folder) if is_production() else KeySet.load_or_create(folder)


def _client(settings: GatewaySettings, service: str,
            transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    timeout = httpx.Timeout(settings.read_timeout_s, connect=settings.connect_timeout_s)
    base = (f"http://{service}.internal" if transport
            else settings.service_urls.get(service, f"http://{service}.invalid"))
    return httpx.AsyncClient(base_url=base, transport=transport, timeout=timeout)


def create_gateway_app(settings: GatewaySettings | None = None,
                       wiring: GatewayWiring | None = None,
                       parts: list[GatewayPart] | None = None) -> FastAPI:
    wiring = wiring or GatewayWiring()
    chosen = parts if parts is not None else load_parts()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        conf = settings or GatewaySettings.from_env()
        keys = wiring.keys or load_keys(conf.key_dir)
        if conf.run_migrations:
            for part in chosen:
                if part.migrations:
                    folder, table = part.migrations
                    await asyncio.to_thread(migrate.upgrade, conf.database_url, "head",
                                            Path(folder), table)
        db = make_engine(conf.database_url, pool=conf.db_pool_size)

        async def local_jwks() -> dict[str, object]:
            return keys.jwks()  # re-reads the shared folder: another replica may have rotated

        bus = wiring.bus or bus_from_settings(conf.bus, conf.kafka_bootstrap, "halo-gateway")
        await bus.start()
        runtime = GatewayRuntime(
            settings=conf, db=db, sessions=make_sessionmaker(db), keys=keys,
            issuer=TokenIssuer(keys, conf.tokens),
            verifier=TokenVerifier(local_jwks, conf.tokens, refresh_s=0.0), bus=bus,
            clients={s: _client(conf, s, wiring.transports.get(s)) for s in SERVICES},
            clock=shifted(wiring.clock, conf.clock_offset))
        app.state.runtime = runtime
        for part in chosen:
            if part.start:
                await part.start(runtime)
        runtime.ready = True
        try:
            yield
        finally:
            runtime.ready = False
            runtime.stop_event.set()
            for part in reversed(chosen):
                if part.stop:
                    await part.stop(runtime)
            for task in runtime.tasks:
                task.cancel()
            await asyncio.gather(*runtime.tasks, return_exceptions=True)
            for client in runtime.clients.values():
                await client.aclose()
            if wiring.bus is None:
                await bus.stop()
            await db.dispose()

    app = FastAPI(title="Halo Lamsel API", version="1.0.0", lifespan=lifespan,
                  description=API_DESCRIPTION, docs_url=None, redoc_url=None,
                  generate_unique_id_function=route_name_id, telemetry=telemetry.OFF)
    install_problem_handlers(app)
    if any(p.name == "routing-known" for p in chosen):
        app.add_middleware(ServiceProxy)  # innermost: the proxy before FastAPI's routing
    app.add_middleware(BodyLimits, limits=wiring.limits)
    app.add_middleware(RequestContext, service="gateway")
    add_cors(app, settings.cors_origins if settings else cors_origins())
    app.include_router(ops.router)
    app.include_router(docs.router)
    app.include_router(events_router)
    for part in chosen:
        app.include_router(part.router)
    install_openapi(app, examples=GATEWAY_EXAMPLES,
                    extend=lambda spec: merge(spec, service_specs())
                    if any(p.name == "routing" for p in chosen) else spec)
    return app


API_DESCRIPTION = """The public API of Halo Lamsel: the gateway's own routes (identity, catalog,
tracking, notifications, survey, verification) and every service's under `/api/v1/<service>`.
Errors are `application/problem+json`; see docs/api.md."""
CORS_HEADERS = ["Authorization", "Content-Type", "Accept", "Accept-Language", "X-Request-Id"]
CORS_EXPOSED = ["X-Request-Id", "Retry-After", "Content-Disposition", "Content-Language",
                "WWW-Authenticate", "Location", "X-Case-Id", "X-Case-Seq", "X-Tracking-Pending"]


def add_cors(app: FastAPI, origins: tuple[str, ...]) -> None:
    """Cross-origin calls from the allowed browser origins only (bearer tokens, no cookies:
    no credentials). Other origins' preflights are refused without an allow-origin header."""
    app.add_middleware(CORSMiddleware, allow_origins=list(origins), allow_credentials=False,
                       allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                       allow_headers=CORS_HEADERS, expose_headers=CORS_EXPOSED, max_age=600)
