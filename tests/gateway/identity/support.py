"""Test support: a gateway with only the identity part, on a temp database, over ASGI."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from gateway.app import GatewayWiring, create_gateway_app
from gateway.identity.context import context_of
from gateway.identity.part import make_part
from gateway.identity.settings import Argon2Params, IdentitySettings
from gateway.identity.tables import AccountRow
from gateway.routing.part import PART as ROUTING
from gateway.runtime import GatewayRuntime
from gateway.settings import SERVICES, GatewaySettings
from shared.auth.keys import KeySet, new_key
from shared.events.memory import InProcessBus

FAST_ARGON2 = Argon2Params(time_cost=1, memory_kib=8 * 1024, parallelism=1)
SETTINGS = IdentitySettings(nik_hash_key=b"n" * 32, pii_key=b"p" * 32, argon2=FAST_ARGON2)
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ADMIN_PASSWORD = "Platform-Admin-77"

CITIZEN = {"nik": "1801014507900003", "name": "Rina Wulandari", "email": "rina@example.id",
           "phone": "0812-3456-7890", "password": "Kalianda-Pagi-42"}
"""A valid citizen: Lampung Selatan (1801 01), a woman born 5 July 1990."""


class Clock:
    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Gateway:
    app: FastAPI
    client: httpx.AsyncClient
    clock: Clock

    @property
    def runtime(self) -> GatewayRuntime:
        runtime: GatewayRuntime = self.app.state.runtime
        return runtime

    async def register(self, **changes: Any) -> httpx.Response:
        body = {**CITIZEN, **changes}
        return await self.client.post("/api/v1/auth/register",
                                      json={k: v for k, v in body.items() if v is not None})

    async def login(self, login: str, password: str, **headers: str) -> httpx.Response:
        return await self.client.post("/api/v1/auth/login",
                                      json={"login": login, "password": password},
                                      headers=headers)

    async def tokens(self, login: str, password: str) -> dict[str, Any]:
        response = await self.login(login, password)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    async def add_account(self, email: str, roles: list[str], *, kind: str = "admin",
                          agency: str | None = None, password: str = ADMIN_PASSWORD) -> str:
        """An account written straight to the database (e.g. the platform admin)."""
        ctx = context_of(self.runtime)
        now = self.clock()
        row = AccountRow(id=str(uuid.uuid4()), kind=kind, name="Akun Uji", email=email,
                         password_hash=await ctx.passwords.hash(password), roles=roles,
                         agency=agency, created_by="test", created_at=now, updated_at=now)
        async with self.runtime.sessions() as session:
            session.add(row)
            await session.commit()
        return row.id

    async def admin_headers(self) -> dict[str, str]:
        await self.add_account("root@example.id", ["admin"])
        pair = await self.tokens("root@example.id", ADMIN_PASSWORD)
        return bearer(pair["access_token"])

    async def rows(self, model: Any) -> list[Any]:
        async with self.runtime.sessions() as session:
            return list(await session.scalars(select(model)))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def gateway_settings(tmp: Path) -> GatewaySettings:
    return GatewaySettings(database_url=f"sqlite+aiosqlite:///{tmp / 'gateway.db'}",
                           service_urls={s: f"http://{s}.invalid" for s in SERVICES},
                           key_dir=tmp / "keys", workers=False)


@asynccontextmanager
async def running_gateway(tmp: Path, settings: IdentitySettings = SETTINGS,
                          clock: Clock | None = None, database_url: str | None = None,
                          keys: KeySet | None = None, routing: bool = False
                          ) -> AsyncIterator[Gateway]:
    """A gateway with the identity part (and the routing part, to unreachable services, if
    ``routing``); replicas share a database by ``database_url`` and keys by ``keys``."""
    clock = clock or Clock()
    conf = gateway_settings(tmp)
    if database_url:
        conf = replace(conf, database_url=database_url)
    parts = [make_part(settings), *([ROUTING] if routing else [])]
    app = create_gateway_app(conf, GatewayWiring(bus=InProcessBus(),
                                                 keys=keys or KeySet([new_key()]), clock=clock),
                             parts=parts)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield Gateway(app=app, client=client, clock=clock)
