"""Test support: the gateway in front of the real dukcapil service (the harness of the
routing tests: in-process, as in all-in-one), with the identity, catalog, tracking, webhooks
and routing parts; accounts written straight to the identity table; the relay, the webhooks
consumer and the delivery loop driven step by step (``workers=False``), the clock moved by
hand, the receiver a real HTTP server (:mod:`tests.support.webhook_receiver`)."""

from __future__ import annotations

import importlib
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from gateway.identity.part import make_part as identity_part
from gateway.identity.tables import AccountRow
from gateway.webhooks import urls
from gateway.webhooks.part import make_part as webhooks_part
from gateway.webhooks.service import WebhooksState
from gateway.webhooks.settings import WebhookSettings
from gateway.webhooks.tables import WebhookDeliveryRow
from tests.gateway.identity.support import SETTINGS as IDENTITY
from tests.gateway.routing.harness import KIA, Stack, gateway_stack
from tests.support.webhook_receiver import WebhookReceiver

AGENCY = "disdukcapil"
OTHER = "bpprd"
SETTINGS = WebhookSettings(key=b"w" * 32, jitter=0.0, max_attempts=4, timeout_s=2.0)
"""No jitter (exact schedules), four attempts; the defaults otherwise (30 s, 2 m, 10 m ...)."""
BASE = {"event_types": ["case.submitted", "case.step_completed"], "description": "SIAK"}


def settings(**changes: Any) -> WebhookSettings:
    return replace(SETTINGS, **changes)


@dataclass
class Hooks:
    stack: Stack

    @property
    def state(self) -> WebhooksState:
        state: WebhooksState = self.stack.runtime.state["webhooks"]
        return state

    def admin(self, agency: str = AGENCY, subject: str | None = None) -> dict[str, str]:
        return self.stack.headers(subject or f"admin-{agency}", f"{agency}:admin")

    def platform(self) -> dict[str, str]:
        return self.stack.headers("root", "admin")

    def now(self) -> float:
        return self.stack.clock().timestamp()

    def receiver(self, *secrets: str) -> WebhookReceiver:
        return WebhookReceiver(secrets=list(secrets), clock=self.now)

    async def account(self, agency: str = AGENCY, roles: list[str] | None = None,
                      kind: str = "system") -> str:
        account_id = str(uuid.uuid4())
        now = self.stack.clock()
        async with self.stack.runtime.sessions() as session:
            session.add(AccountRow(
                id=account_id, kind=kind, name=f"Integrasi {agency}",
                email=f"{account_id}@integrasi.id", password_hash="-",
                roles=roles or [f"{agency}:integrasi"], agency=agency, created_by="test",
                created_at=now, updated_at=now))
            await session.commit()
        return account_id

    async def subscribe(self, url: str, agency: str = AGENCY, **body: Any) -> dict[str, Any]:
        account_id = body.pop("account_id", None) or await self.account(agency)
        response = await self.stack.client.post(
            "/api/v1/webhooks/langganan", headers=self.admin(agency),
            json={**BASE, "account_id": account_id, "url": url, **body})
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def consume(self) -> int:
        await self.stack.relay()
        total = 0
        while read := await self.state.consumer.poll_once(timeout_ms=5):
            total += read
        return total

    async def deliver(self) -> int:
        return await self.state.worker.run_once()

    async def settle(self) -> int:
        await self.consume()
        return await self.deliver()

    async def deliveries(self, subscription_id: str, agency: str = AGENCY,
                         status: str | None = None) -> list[dict[str, Any]]:
        query = f"?status={status}" if status else ""
        response = await self.stack.client.get(
            f"/api/v1/webhooks/langganan/{subscription_id}/pengiriman{query}",
            headers=self.admin(agency))
        assert response.status_code == 200, response.text
        return list(response.json()["items"])

    async def rows(self) -> list[WebhookDeliveryRow]:
        async with self.stack.runtime.sessions() as session:
            return list(await session.scalars(select(WebhookDeliveryRow).order_by(
                col(WebhookDeliveryRow.created_at), col(WebhookDeliveryRow.id))))


def parts(conf: WebhookSettings, resolver: urls.Resolver) -> list[Any]:
    named = {p: importlib.import_module(f"gateway.{p}.part").PART
             for p in ("catalog", "tracking", "routing")}
    return [identity_part(IDENTITY), named["catalog"], named["tracking"],
            webhooks_part(conf, rng=random.Random(7), resolver=resolver), named["routing"]]


async def no_dns(host: str) -> list[str]:
    raise OSError(f"no resolver in tests: {host}")


@asynccontextmanager
async def webhook_stack(tmp: Path, *, conf: WebhookSettings = SETTINGS,
                        database_url: str | None = None,
                        resolver: urls.Resolver = no_dns) -> AsyncIterator[Hooks]:
    extra: dict[str, Any] = {"database_url": database_url} if database_url else {}
    async with gateway_stack(tmp, parts=lambda: parts(conf, resolver), **extra) as stack:
        yield Hooks(stack)


__all__ = ["AGENCY", "KIA", "OTHER", "Hooks", "settings", "webhook_stack"]
