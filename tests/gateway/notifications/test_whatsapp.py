"""WhatsApp over the Cloud API, against the local stand-in speaking its protocol: the text
and template messages it receives, retries of 500 and 429 with backoff, dead-lettering, and
the adapter being off when not configured."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.notifications.channels.base import Channel
from gateway.notifications.channels.whatsapp import WhatsAppChannel, recipient
from gateway.notifications.settings import TEMPLATES_DIR, NotificationSettings, WhatsAppSettings
from gateway.notifications.tables import NotificationAttemptRow
from tests.gateway.notifications.support import (
    PHONE,
    Gateway,
    notifying_gateway,
    officer_step,
    settings,
)
from tests.support.whatsapp_standin import WhatsAppStandIn


def channel(standin: WhatsAppStandIn, token: str | None = None) -> WhatsAppChannel:
    conf = WhatsAppSettings(token=token or standin.token, phone_number_id=standin.phone_number_id,
                            url="http://graph.test", version=standin.version)
    return WhatsAppChannel(conf, transport=httpx.ASGITransport(app=standin.app()))


@asynccontextmanager
async def wa_gateway(tmp: Path, standin: WhatsAppStandIn, *, token: str | None = None,
                     **conf: Any) -> AsyncIterator[Gateway]:
    channels: dict[str, Channel] = {"whatsapp": channel(standin, token)}
    async with notifying_gateway(tmp, conf=settings(tmp, maildir=None, **conf),
                                 channels=channels) as gw:
        yield gw


async def submitted(gw: Gateway, phone: str | None = PHONE) -> str:
    warga = await gw.account(["citizen"], email="warga@contoh.id", phone=phone)
    await gw.publish(gw.event("case.submitted", applicant=warga, current=officer_step()))
    await gw.consume()
    return warga


def test_the_recipient_is_digits_in_international_form() -> None:
    assert recipient("+6281234567890") == "6281234567890"
    assert recipient("0812-3456-7890") == "6281234567890"


async def test_the_stand_in_receives_the_text_message(tmp_path: Path) -> None:
    standin = WhatsAppStandIn()
    async with wa_gateway(tmp_path, standin) as gw:
        await submitted(gw)
        assert await gw.deliver() == 1
        [body] = standin.received
        assert (body["messaging_product"], body["to"], body["type"]) == (
            "whatsapp", "6281234567890", "text")
        assert "DK-7MQ3-XA9T" in body["text"]["body"]
        assert body["text"]["body"].startswith("Halo Lamsel: permohonan DK-7MQ3-XA9T")
        [row] = await gw.rows(channel="whatsapp")
        assert row.status == "sent" and row.provider_id and row.provider_id.startswith("wamid.")


async def test_a_failing_channel_is_retried_then_dead_lettered(tmp_path: Path) -> None:
    standin = WhatsAppStandIn()
    standin.fail(500, 500, 500)
    async with wa_gateway(tmp_path, standin, max_attempts=3) as gw:
        await submitted(gw)
        for wait in (0, 30, 60):
            gw.clock.advance(seconds=wait)
            assert await gw.deliver() == 1
        assert await gw.deliver() == 0
        [row] = await gw.rows(channel="whatsapp")
        assert (row.status, row.attempts, row.error) == ("dead", 3, "graph-131000")
        attempts = await gw.rows(NotificationAttemptRow, notification_id=row.id)
        assert [(a.outcome, a.error, a.status_code) for a in attempts] == [
            ("retry", "graph-131000", 500), ("retry", "graph-131000", 500),
            ("dead", "graph-131000", 500)]
        [record] = gw.dead_letters()
        assert record == {
            "notification_id": row.id, "event_id": row.event_id, "case_id": "case-1",
            "account_id": row.account_id, "channel": "whatsapp", "kind": "status",
            "event_type": "case.submitted", "attempts": 3, "error": "graph-131000",
            "status_code": 500, "dead_at": record["dead_at"]}
        assert standin.requests == 3 and standin.received == []
        # Published once: a later round does not publish it again.
        await gw.deliver()
        assert len(gw.dead_letters()) == 1


async def test_rate_limiting_is_retried_and_then_sent(tmp_path: Path) -> None:
    standin = WhatsAppStandIn()
    standin.fail(429)
    async with wa_gateway(tmp_path, standin) as gw:
        await submitted(gw)
        await gw.deliver()
        gw.clock.advance(seconds=30)
        await gw.deliver()
        [row] = await gw.rows(channel="whatsapp")
        attempts = await gw.rows(NotificationAttemptRow, notification_id=row.id)
        assert [(a.outcome, a.status_code) for a in attempts] == [("retry", 429), ("sent", None)]
        assert attempts[0].error == "graph-130429"
        assert row.status == "sent" and len(standin.received) == 1


@pytest.mark.parametrize(("token", "status", "outcome"), [
    (None, 400, "dead"), ("token-salah", 401, "retry")])
async def test_refusals(tmp_path: Path, token: str | None, status: int, outcome: str) -> None:
    standin = WhatsAppStandIn()
    if status == 400:
        standin.fail(400)
    async with wa_gateway(tmp_path, standin, token=token) as gw:
        await submitted(gw)
        await gw.deliver()
        [attempt] = await gw.rows(NotificationAttemptRow)
        assert (attempt.outcome, attempt.status_code) == (outcome, status)


async def test_an_approved_template_is_sent_instead_of_the_text(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, folder)
    path = folder / "case.submitted.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "officer:", "  whatsapp_template:\n    name: halo_permohonan_diterima\n"
        "    params: [tracking_no, title]\nofficer:", 1), encoding="utf-8")
    standin = WhatsAppStandIn()
    async with wa_gateway(tmp_path, standin, templates_dir=folder) as gw:
        await submitted(gw)
        await gw.deliver()
    [body] = standin.received
    assert body["type"] == "template"
    assert body["template"] == {
        "name": "halo_permohonan_diterima", "language": {"code": "id"},
        "components": [{"type": "body", "parameters": [
            {"type": "text", "text": "DK-7MQ3-XA9T"},
            {"type": "text", "text": "Penerbitan Kartu Identitas Anak (KIA)"}]}]}


async def test_no_number_no_whatsapp(tmp_path: Path) -> None:
    standin = WhatsAppStandIn()
    async with wa_gateway(tmp_path, standin) as gw:
        await submitted(gw, phone=None)
        assert await gw.rows(channel="whatsapp") == []


def test_whatsapp_is_off_unless_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HALO_WHATSAPP_TOKEN", "HALO_WHATSAPP_PHONE_NUMBER_ID", "HALO_WHATSAPP_URL"):
        monkeypatch.delenv(name, raising=False)
    assert NotificationSettings.from_env().whatsapp is None
    monkeypatch.setenv("HALO_WHATSAPP_TOKEN", "EAAG-rahasia")
    monkeypatch.setenv("HALO_WHATSAPP_PHONE_NUMBER_ID", "123")
    monkeypatch.setenv("HALO_WHATSAPP_URL", "http://wa.local/")
    conf = NotificationSettings.from_env().whatsapp
    assert conf is not None and (conf.url, conf.phone_number_id) == ("http://wa.local", "123")
    assert conf.token == "EAAG-rahasia" and "rahasia" not in repr(conf)
