"""A gateway in front of real service apps, in-process, for the routing, catalog and
tracking tests.

Service apps run with their lifespans (SQLite in a temp folder, ``workers=False``: the test
drives the relay), reached through the streaming in-process transport exactly as in all-in-one
mode.
The gateway trusts the test key set (``GatewayWiring(keys=tokens.keys)``), so test tokens
verify at the gateway and at the services. Services not started are "down": their transport
raises ``httpx.ConnectError``.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI

from gateway.app import GatewayWiring, create_gateway_app
from gateway.routing.asgi_stream import StreamingASGITransport
from gateway.runtime import GatewayRuntime
from gateway.settings import SERVICES, GatewaySettings
from shared.events.memory import InProcessBus
from shared.web.app import Wiring
from shared.web.runtime import ServiceRuntime
from tests.support.apps import service_settings
from tests.support.tokens import SETTINGS, TestTokens

JAKARTA = ZoneInfo("Asia/Jakarta")
KIA = "dukcapil-kia-0-5-tahun"
KIA_FORM = {"nik_anak": "1801010101230001", "nama_anak": "Budi", "tanggal_lahir_anak":
            "2023-01-01", "nomor_kk": "1801010101200002", "pengambilan": "ambil_di_mpp"}
PDF = b"%PDF-1.4 berkas persyaratan"


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 30, 9, 0, tzinfo=JAKARTA))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Down(httpx.AsyncBaseTransport):
    """A service that cannot be reached."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)


def gateway_parts() -> list[Any]:
    """The parts under test (identity is tested on its own)."""
    return [importlib.import_module(f"gateway.{p}.part").PART
            for p in ("catalog", "tracking", "routing")]


@dataclass
class Stack:
    client: httpx.AsyncClient
    gateway: FastAPI
    services: dict[str, FastAPI]
    bus: InProcessBus
    tokens: TestTokens
    clock: Clock

    @property
    def runtime(self) -> GatewayRuntime:
        runtime: GatewayRuntime = self.gateway.state.runtime
        return runtime

    def service(self, name: str) -> ServiceRuntime:
        runtime: ServiceRuntime = self.services[name].state.runtime
        return runtime

    async def relay(self) -> int:
        total = 0
        for name in self.services:
            while published := await self.service(name).relay.run_once():
                total += published
        return total

    async def consume(self) -> int:
        consumer = self.runtime.state["tracking"].consumer
        total = 0
        while read := await consumer.poll_once(timeout_ms=5):
            total += read
        return total

    async def sync(self) -> None:
        """Publish every service's outbox and let the tracking consumer apply it."""
        await self.relay()
        await self.consume()

    def headers(self, subject: str, *roles: str) -> dict[str, str]:
        return self.tokens.headers(subject, *roles)

    async def open_kia(self, who: dict[str, str]) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/dukcapil/cases", headers=who,
            data={"data": json.dumps({"sop_key": KIA, "form": KIA_FORM})},
            files={"berkas_persyaratan": ("berkas.pdf", PDF, "application/pdf")})
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def act(self, case_id: str, who: dict[str, str], action: str,
                  comment: str | None = None, expect: int = 200) -> dict[str, Any]:
        body: dict[str, Any] = {"action": action}
        if comment:
            body["comment"] = comment
        response = await self.client.post(f"/api/v1/dukcapil/cases/{case_id}/actions",
                                          headers=who, json=body)
        assert response.status_code == expect, response.text
        return dict(response.json())


def gateway_settings(tmp: Path, **overrides: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "database_url": f"sqlite+aiosqlite:///{tmp / 'gateway.db'}",
        "service_urls": {s: f"http://{s}.invalid" for s in SERVICES},
        "key_dir": tmp / "keys", "tokens": SETTINGS, "workers": False}
    values.update(overrides)
    return GatewaySettings(**values)


@asynccontextmanager
async def gateway_stack(tmp: Path, services: tuple[str, ...] = ("dukcapil",), *,
                        transports: dict[str, httpx.AsyncBaseTransport] | None = None,
                        clock: Clock | None = None,
                        parts: Callable[[], list[Any]] = gateway_parts,
                        wrap: Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport]
                        = lambda t: t,
                        **settings: Any) -> AsyncIterator[Stack]:
    tokens = TestTokens()
    bus = InProcessBus()
    clock = clock or Clock()
    apps: dict[str, FastAPI] = {}
    async with AsyncExitStack() as stack:
        for name in services:
            module = importlib.import_module(f"services.{name}.app")
            conf = service_settings(name, f"sqlite+aiosqlite:///{tmp / (name + '.db')}", tmp)
            app = module.create_app(conf, Wiring(bus=bus, verifier=tokens.verifier(),
                                                 clock=clock))
            await stack.enter_async_context(app.router.lifespan_context(app))
            apps[name] = app
        routes: dict[str, httpx.AsyncBaseTransport] = {s: Down() for s in SERVICES}
        routes.update({n: wrap(StreamingASGITransport(a)) for n, a in apps.items()})
        routes.update(transports or {})
        gateway = create_gateway_app(
            gateway_settings(tmp, **settings),
            GatewayWiring(bus=bus, transports=routes, keys=tokens.keys, clock=clock), parts())
        await stack.enter_async_context(gateway.router.lifespan_context(gateway))
        client = await stack.enter_async_context(httpx.AsyncClient(
            transport=httpx.ASGITransport(app=gateway), base_url="http://gateway"))
        yield Stack(client=client, gateway=gateway, services=apps, bus=bus, tokens=tokens,
                    clock=clock)
