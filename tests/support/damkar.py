"""A gateway (identity, notifications over the WhatsApp stand-in, one-time codes, catalog,
tracking, routing) in front of the real damkar service, in-process, for the emergency report
tests; the one-time code is read from what the stand-in received."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from gateway.catalog.part import PART as CATALOG
from gateway.identity.part import make_part as identity_part
from gateway.notifications.channels.base import Channel
from gateway.notifications.channels.whatsapp import WhatsAppChannel
from gateway.notifications.part import make_part as notifications_part
from gateway.notifications.settings import NotificationSettings, WhatsAppSettings
from gateway.otp.part import make_part as otp_part
from gateway.otp.settings import OtpSettings
from gateway.routing.part import PART as ROUTING
from gateway.tracking.part import PART as TRACKING
from services.damkar.domain import normalise_phone
from tests.gateway.identity.support import SETTINGS as IDENTITY
from tests.gateway.routing.harness import Clock, Stack, gateway_stack
from tests.support.whatsapp_standin import WhatsAppStandIn

PHONE = "0812-3456-7890"
"""The reporter's number as typed; normalised ``+6281234567890``."""
KALIANDA = (-5.7300, 105.6000)
"""A point in Kalianda, 100-odd metres from the Kalianda post."""
CODE = re.compile(r"\b(\d{6})\b")


def whatsapp(standin: WhatsAppStandIn) -> WhatsAppChannel:
    conf = WhatsAppSettings(token=standin.token, phone_number_id=standin.phone_number_id,
                            url="http://graph.test", version=standin.version)
    return WhatsAppChannel(conf, transport=httpx.ASGITransport(app=standin.app()))


@dataclass
class Damkar:
    stack: Stack
    standin: WhatsAppStandIn

    @property
    def client(self) -> httpx.AsyncClient:
        return self.stack.client

    @property
    def clock(self) -> Clock:
        return self.stack.clock

    def last_code(self, to: str = "6281234567890") -> str:
        bodies = [m["text"]["body"] for m in self.standin.received if m["to"] == to]
        assert bodies, "no message reached the number"
        found = CODE.search(bodies[-1])
        assert found is not None
        return found.group(1)

    async def ask_code(self, phone: str = PHONE, expect: int = 202) -> httpx.Response:
        response = await self.client.post("/api/v1/auth/otp",
                                          json={"telepon": phone, "tujuan": "darurat-damkar"})
        assert response.status_code == expect, response.text
        return response

    async def verify(self, code: str, phone: str = PHONE, expect: int = 200) -> httpx.Response:
        response = await self.client.post("/api/v1/auth/otp/verifikasi",
                                          json={"telepon": phone, "kode": code})
        assert response.status_code == expect, response.text
        return response

    async def reporter(self, phone: str = PHONE) -> dict[str, str]:
        """A confirmed reporter's headers: code asked, read from WhatsApp, exchanged."""
        await self.ask_code(phone)
        digits = (normalise_phone(phone) or "")[1:]
        token = (await self.verify(self.last_code(digits), phone)).json()["access_token"]
        return {"Authorization": f"Bearer {token}"}

    async def report(self, who: dict[str, str], *, at: tuple[float, float] = KALIANDA,
                     phone: str = PHONE, expect: int = 201, **extra: Any) -> httpx.Response:
        body = {"jenis": "kebakaran", "telepon": phone, "lat": at[0], "lon": at[1],
                "akurasi_m": 12, "alamat": "Jl. Soekarno-Hatta dekat pasar Kalianda",
                "keterangan": "Rumah terbakar, asap tebal", **extra}
        response = await self.client.post("/api/v1/damkar/darurat", headers=who, json=body)
        assert response.status_code == expect, response.text
        return response


@asynccontextmanager
async def damkar_stack(tmp: Path, otp: OtpSettings | None = None,
                       clock: Clock | None = None, **gateway: Any) -> AsyncIterator[Damkar]:
    standin = WhatsAppStandIn()
    channels: dict[str, Channel] = {"whatsapp": whatsapp(standin)}

    def parts() -> list[Any]:
        return [identity_part(IDENTITY), CATALOG, TRACKING,
                notifications_part(NotificationSettings(maildir=None), channels),
                otp_part(otp or OtpSettings()), ROUTING]

    async with gateway_stack(tmp, ("damkar",), parts=parts, clock=clock, **gateway) as stack:
        yield Damkar(stack, standin)
