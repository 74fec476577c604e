"""Notices (shared.events.notice) through the gateway's notice consumer on the in-process
bus: one row per notice, account and channel, rendered from its template file, never twice;
a notice of an unknown template or spec version is dead-lettered; template files are
checked at start."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from gateway.notifications.notices import NoticeTemplates
from gateway.notifications.templates import TemplateError
from shared.events.notice import NoticeEnvelope, new_notice, notice_topic
from tests.gateway.notifications.support import PHONE, Gateway

TOPIC = notice_topic("perizinan")
PARAMS = {"number": "503/0001/DPMPTSP/XII/2026", "title": "Surat Izin Praktik Bidan",
          "valid_until": "2031-12-03T02:00:00Z", "days_left": "30", "threshold": "30"}


async def consume(gw: Gateway) -> int:
    notices = gw.state.notices
    assert notices is not None
    total = 0
    while read := await notices.poll_once(timeout_ms=5):
        total += read
    return total


async def publish(gw: Gateway, notice: NoticeEnvelope) -> None:
    await gw.bus.publish(TOPIC, notice.recipient, notice.to_bytes())


def notice(recipient: str, template: str = "permit.expiring", **changes: object
           ) -> NoticeEnvelope:
    made = new_notice("perizinan", recipient, template, PARAMS,
                      datetime(2031, 11, 3, 2, 0, tzinfo=UTC))
    return made.model_copy(update=changes) if changes else made


async def test_a_notice_becomes_the_recipients_notification_once_per_channel(
        gw: Gateway) -> None:
    """Valid until 2031-12-03 02:00Z is 09.00 WIB on 3 Desember 2031."""
    holder = await gw.account(["citizen"], email="bidan@contoh.id", phone=PHONE)
    other = await gw.account(["citizen"], email="lain@contoh.id")
    sent = notice(holder)
    await publish(gw, sent)
    assert await consume(gw) == 1
    rows = await gw.rows()
    assert {(r.account_id, r.channel, r.kind) for r in rows} == {
        (holder, "inapp", "notice"), (holder, "email", "notice")}
    inapp = next(r for r in rows if r.channel == "inapp")
    assert inapp.title == "Izin 503/0001/DPMPTSP/XII/2026 berakhir dalam 30 hari"
    assert "3 Desember 2031 pukul 09.00 WIB" in inapp.body
    assert (inapp.event_id, inapp.service, inapp.status) == (sent.notice_id, "perizinan", "sent")
    assert other not in {r.account_id for r in rows}
    await publish(gw, sent)  # the relay publishing it again
    assert await consume(gw) == 1
    assert len(await gw.rows()) == 2
    assert await gw.deliver() == 1  # the e-mail goes out like a case event's
    [mail] = await gw.rows(channel="email")
    assert mail.status == "sent"


async def test_an_unknown_template_or_spec_version_is_dead_lettered(gw: Gateway) -> None:
    holder = await gw.account(["citizen"], email="bidan@contoh.id")
    await publish(gw, notice(holder, template="tidak.ada"))
    await publish(gw, notice(holder, spec_version="2"))
    assert await consume(gw) == 2
    assert await gw.rows() == []
    letters = gw.bus._logs.get(f"{TOPIC}.dlq", [])
    assert sum(len(part) for part in letters) == 2


def test_a_notice_carries_no_long_numbers() -> None:
    made = new_notice("damkar", "acc-1", "otp.code", {"note": "NIK 1801015003900001"},
                      datetime(2026, 12, 3, tzinfo=UTC))
    assert "1801015003900001" not in made.model_dump_json()
    assert made.event_id == made.notice_id
    with pytest.raises(ValueError):
        new_notice("damkar", "acc-1", "Bad Key!", {}, datetime(2026, 12, 3, tzinfo=UTC))


def test_notice_template_files_are_checked(tmp_path: Path) -> None:
    shipped = NoticeTemplates.load(Path(__file__).resolve().parents[3] / "gateway"
                                   / "notifications" / "templates" / "notices")
    assert shipped.has("permit.expiring") and shipped.has("permit.revoked")
    (tmp_path / "x.yaml").write_text("recipient:\n  id: {title: a, body: b}\n")
    with pytest.raises(TemplateError, match="en"):
        NoticeTemplates.load(tmp_path)
    (tmp_path / "x.yaml").write_text(
        "recipient:\n  id: {title: 'a {Bad}', body: b}\n  en: {title: a, body: b}\n")
    with pytest.raises(TemplateError, match="placeholder"):
        NoticeTemplates.load(tmp_path)
