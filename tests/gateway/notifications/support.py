"""Test support: a gateway with the identity and notifications parts on a temp database
and one in-process bus, accounts written straight to the identity table, envelopes built
by hand, and the consumer and the delivery worker driven step by step (``workers=False``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from gateway.app import GatewayWiring, create_gateway_app
from gateway.identity.part import make_part as identity_part
from gateway.identity.tables import AccountRow
from gateway.notifications.channels.base import Channel
from gateway.notifications.part import NotificationsState
from gateway.notifications.part import make_part as notifications_part
from gateway.notifications.settings import NotificationSettings
from gateway.notifications.tables import NotificationAttemptRow, NotificationRow
from gateway.runtime import GatewayRuntime
from gateway.settings import SERVICES, GatewaySettings
from shared.events.envelope import EventEnvelope, StepRef, case_topic
from shared.events.memory import InProcessBus
from tests.gateway.identity.support import SETTINGS as IDENTITY
from tests.support.tokens import SETTINGS as TOKENS
from tests.support.tokens import TestTokens

START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
NIK = "1801014507900003"
KK = "1801012202200003"
PHONE = "+6281234567890"
TOPIC = case_topic("dukcapil")


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Gateway:
    app: FastAPI
    client: httpx.AsyncClient
    bus: InProcessBus
    tokens: TestTokens
    clock: Clock
    seq: dict[str, int] = field(default_factory=dict)

    @property
    def runtime(self) -> GatewayRuntime:
        runtime: GatewayRuntime = self.app.state.runtime
        return runtime

    @property
    def state(self) -> NotificationsState:
        state: NotificationsState = self.runtime.state["notifications"]
        return state

    def headers(self, subject: str, *roles: str) -> dict[str, str]:
        return self.tokens.headers(subject, *roles or ("citizen",))

    async def account(self, roles: list[str], *, agency: str | None = None,
                      email: str | None = None, phone: str | None = None,
                      status: str = "active", account_id: str | None = None) -> str:
        """An account written straight to the identity table; returns its id."""
        account_id = account_id or str(uuid.uuid4())
        now = self.clock()
        row = AccountRow(id=account_id, kind="citizen" if "citizen" in roles else "officer",
                         name="Akun Uji", email=email or f"{account_id}@contoh.id",
                         phone=phone, password_hash="-", roles=roles, agency=agency,
                         status=status, created_by="test", created_at=now, updated_at=now)
        async with self.runtime.sessions() as session:
            session.add(row)
            await session.commit()
        return account_id

    async def publish(self, event: EventEnvelope, topic: str = TOPIC) -> None:
        await self.bus.publish(topic, event.case_id, event.to_bytes())

    async def consume(self) -> int:
        total = 0
        while read := await self.state.consumer.poll_once(timeout_ms=5):
            total += read
        return total

    async def deliver(self) -> int:
        return await self.state.worker.run_once()

    async def rows(self, model: Any = NotificationRow, **where: Any) -> list[Any]:
        async with self.runtime.sessions() as session:
            query = select(model).filter_by(**where)
            if model is NotificationRow:
                query = query.order_by(NotificationRow.created_at, NotificationRow.channel)
            if model is NotificationAttemptRow:
                query = query.order_by(NotificationAttemptRow.id)
            return list(await session.scalars(query))

    def dead_letters(self) -> list[dict[str, Any]]:
        topic = self.state.settings.dead_letter_topic
        return [json.loads(r.value) for part in self.bus._logs.get(topic, []) for r in part]

    def event(self, type_: str, *, case_id: str = "case-1", applicant: str | None = None,
              current: StepRef | None = None, status: str = "open",
              **data: Any) -> EventEnvelope:
        """The next event of ``case_id`` (its seq counts up), on the KIA SOP of dukcapil."""
        seq = self.seq[case_id] = self.seq.get(case_id, 0) + 1
        base = {"agency": "disdukcapil", "title": "Penerbitan Kartu Identitas Anak (KIA)",
                "due_at": None, "next_step": current.id if current else None}
        return EventEnvelope(
            event_id=str(uuid.uuid4()), type=type_, source="dukcapil", case_id=case_id,
            tracking_no="DK-7MQ3-XA9T", sop_key="dukcapil-kia-0-5-tahun", sop_version=1,
            seq=seq, step="verifikasi_permohonan", action="teruskan",
            actor_role="operator", actor_agency="disdukcapil",
            time=self.clock() + timedelta(seconds=seq), status=status, current=current,
            applicant=applicant, data={**base, **data})


def officer_step(role: str = "operator", agency: str = "disdukcapil",
                 step: str = "verifikasi_berkas", kind: str = "officer") -> StepRef:
    return StepRef(id=step, role=role, agency=agency, kind=kind,
                   due_at=START + timedelta(days=1))


def settings(tmp: Path, **changes: Any) -> NotificationSettings:
    return replace(NotificationSettings(maildir=tmp / "mail", backoff_s=30.0), **changes)


def gateway_settings(tmp: Path, database_url: str | None) -> GatewaySettings:
    return GatewaySettings(
        database_url=database_url or f"sqlite+aiosqlite:///{tmp / 'gateway.db'}",
        service_urls={s: f"http://{s}.invalid" for s in SERVICES}, key_dir=tmp / "keys",
        tokens=TOKENS, workers=False)


@asynccontextmanager
async def notifying_gateway(tmp: Path, *, database_url: str | None = None,
                            conf: NotificationSettings | None = None,
                            channels: dict[str, Channel] | None = None,
                            bus: InProcessBus | None = None) -> AsyncIterator[Gateway]:
    tokens = TestTokens()
    bus = bus or InProcessBus()
    clock = Clock()
    parts = [identity_part(IDENTITY), notifications_part(conf or settings(tmp), channels)]
    app = create_gateway_app(gateway_settings(tmp, database_url),
                             GatewayWiring(bus=bus, keys=tokens.keys, clock=clock), parts)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield Gateway(app=app, client=client, bus=bus, tokens=tokens, clock=clock)
