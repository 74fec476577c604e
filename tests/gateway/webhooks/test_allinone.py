"""All-in-one: the webhooks part is in the gateway (before routing), its consumer and its
delivery loop run in the background over the in-process bus; the demo agency admin
subscribes the demo integration account and a citizen's new case reaches the receiver."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col

from gateway.allinone_app import build_app
from gateway.app import PART_MODULES
from gateway.identity.tables import AccountRow
from gateway.settings import SERVICES
from tests.gateway.routing.harness import KIA, KIA_FORM, PDF
from tests.gateway.test_allinone import eventually, login
from tests.support.webhook_receiver import WebhookReceiver


def test_the_part_is_registered_before_routing() -> None:
    assert PART_MODULES.index("gateway.webhooks.part") < PART_MODULES.index(
        "gateway.routing.part")


async def test_a_demo_case_reaches_the_receiver(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path))
    for name in ("HALO_ENV", "HALO_WORKERS", "HALO_DATABASE_URL", "HALO_GATEWAY_DATABASE_URL",
                 "HALO_KEY_DIR", "HALO_RUN_MIGRATIONS", "HALO_SMTP_HOST",
                 "HALO_WHATSAPP_TOKEN", "HALO_WEBHOOKS_KEY", "HALO_WEBHOOKS_GROUP",
                 *(f"HALO_{s.upper()}_DATABASE_URL" for s in SERVICES)):
        monkeypatch.delenv(name, raising=False)
    app = build_app(demo=True, out=io.StringIO())
    async with app.router.lifespan_context(app), WebhookReceiver() as receiver:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://halo") as client:
            admin = await login(client, "admin.disdukcapil@demo.halo.lamsel",
                                "Demo-Admin-2026")
            async with app.state.runtime.sessions() as session:
                account = await session.scalar(select(col(AccountRow.id)).where(
                    col(AccountRow.email) == "integrasi.disdukcapil@demo.halo.lamsel"))
            created = await client.post("/api/v1/webhooks/langganan", headers=admin, json={
                "account_id": account, "url": receiver.url, "event_types": ["case.submitted"],
                "sop_keys": [KIA]})
            assert created.status_code == 201, created.text
            receiver.secrets.append(created.json()["secret"])
            citizen = await login(client, "warga1@demo.halo.lamsel", "Demo-Warga-2026")
            case = await client.post(
                "/api/v1/dukcapil/cases", headers=citizen,
                data={"data": json.dumps({"sop_key": KIA, "form": KIA_FORM})},
                files={"berkas_persyaratan": ("berkas.pdf", PDF, "application/pdf")})
            assert case.status_code == 201, case.text

            async def arrived() -> list[str] | None:
                got = [r.json["tracking_no"] for r in receiver.accepted]
                return got or None

            assert await eventually(arrived) == [case.json()["tracking_no"]]
