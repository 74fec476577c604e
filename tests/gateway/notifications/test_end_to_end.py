"""Through a real service: a KIA case opened at dukcapil tells the citizen and the
operators; a return tells the citizen why. And no NIK, KK or phone number reaches a log
line, an event, a notification, an e-mail or a dead letter, even when the form has them and
the officer's reason quotes one."""

from __future__ import annotations

import importlib
import logging
import mailbox
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from gateway.identity.part import make_part as identity_part
from gateway.identity.tables import AccountRow
from gateway.notifications.part import NotificationsState
from gateway.notifications.part import make_part as notifications_part
from gateway.notifications.tables import NotificationRow
from shared.events.envelope import case_topic
from shared.observability.logging import JsonFormatter
from tests.gateway.identity.support import SETTINGS as IDENTITY
from tests.gateway.notifications.support import settings
from tests.gateway.routing.harness import KIA_FORM, Stack, gateway_stack

PHONE = "+6281299887766"
REASON_NIK = "1801014507900003"
PATTERNS = {
    "nik-or-kk": re.compile(r"(?<!\d)\d{16}(?!\d)"),
    "phone": re.compile(r"(?<!\d)(?:\+?62|0)8\d{7,11}(?!\d)"),
    "phone-grouped": re.compile(r"(?:\+?62|0)8\d{2}[ .\-]\d{3,4}[ .\-]\d{3,4}"),
}


def parts(tmp: Path) -> list[object]:
    named = [importlib.import_module(f"gateway.{p}.part").PART
             for p in ("catalog", "tracking", "routing")]
    return [identity_part(IDENTITY), *named[:2], notifications_part(settings(tmp)), named[2]]


def notifications(stack: Stack) -> NotificationsState:
    state: NotificationsState = stack.runtime.state["notifications"]
    return state


async def add_account(stack: Stack, account_id: str, roles: list[str], agency: str | None,
                      phone: str | None = None) -> None:
    now = stack.clock()
    async with stack.runtime.sessions() as session:
        session.add(AccountRow(id=account_id, kind="officer" if agency else "citizen",
                               name="Rina Wulandari", email=f"{account_id}@contoh.id",
                               phone=phone, password_hash="-", roles=roles, agency=agency,
                               created_by="test", created_at=now, updated_at=now))
        await session.commit()


async def settle(stack: Stack) -> None:
    await stack.sync()
    state = notifications(stack)
    while await state.consumer.poll_once(timeout_ms=5):
        pass
    await state.worker.run_once()


def leaks(text: str) -> list[str]:
    return [name for name, pattern in PATTERNS.items() if pattern.search(text)]


async def test_a_case_through_a_real_service_notifies_and_leaks_nothing(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)  # the drivers log statements at DEBUG: silenced in production
    caplog.set_level(logging.DEBUG, logger="halo")
    async with gateway_stack(tmp_path, parts=lambda: parts(tmp_path)) as stack:
        citizen, operator = f"warga-{uuid.uuid4().hex[:8]}", f"op-{uuid.uuid4().hex[:8]}"
        await add_account(stack, citizen, ["citizen"], None, phone=PHONE)
        await add_account(stack, operator, ["disdukcapil:operator"], "disdukcapil")
        owner = stack.headers(citizen, "citizen")
        officer = stack.headers(operator, "disdukcapil:operator")

        case = await stack.open_kia(owner)
        await settle(stack)
        feed = (await stack.client.get("/api/v1/me/notifications", headers=owner)).json()
        assert [(i["event_type"], i["tracking_no"]) for i in feed["items"]] == [
            ("case.submitted", case["tracking_no"])]
        inbox = (await stack.client.get("/api/v1/me/notifications", headers=officer)).json()
        assert [i["event_type"] for i in inbox["items"]] == ["case.submitted"]
        assert "antrean Anda" in inbox["items"][0]["title"]

        await stack.act(case["id"], officer, "teruskan")
        await stack.act(case["id"], officer, "tidak_lengkap",
                        comment=f"NIK {REASON_NIK} tidak terbaca; hubungi 0812-3456-7890")
        await settle(stack)
        feed = (await stack.client.get("/api/v1/me/notifications", headers=owner)).json()
        returned = next(i for i in feed["items"] if i["event_type"] == "case.returned")
        assert "NIK [disamarkan] tidak terbaca; hubungi [disamarkan]" in returned["body"]
        assert feed["unread_count"] == 2

        # Everything the notification path wrote or read, scanned for personal numbers.
        async with stack.runtime.sessions() as session:
            rows = list(await session.scalars(select(NotificationRow)))
        assert {r.channel for r in rows} == {"inapp", "email"}
        assert all(r.status == "sent" for r in rows)
        probe = stack.bus.consumer([case_topic("dukcapil")], f"probe-{uuid.uuid4().hex}")
        await probe.start()
        events = [r.value.decode() for r in await probe.poll(timeout_ms=5, max_records=1000)]
        await probe.stop()
        mails = [m.as_string() for m in mailbox.Maildir(tmp_path / "mail", create=False)]
    assert len(mails) == 4
    assert any('"case.returned"' in e and "[disamarkan]" in e for e in events)
    texts = {
        # As the process writes them: JSON lines with every extra field.
        "logs": "\n".join(JsonFormatter().format(r) for r in caplog.records),
        "events": "\n".join(events),
        "notifications": "\n".join(r.title + "\n" + r.body for r in rows),
        "mails": "\n".join(m.split("\n\n", 1)[1] for m in mails),
    }
    for where, text in texts.items():
        assert leaks(text) == [], where
        for secret in (KIA_FORM["nik_anak"], KIA_FORM["nomor_kk"], REASON_NIK, PHONE,
                       PHONE[1:], "0812-3456-7890", "Budi", "Rina Wulandari"):
            assert secret not in text, (where, secret)
    attempts = [r for r in caplog.records if r.getMessage() == "notification attempt"]
    assert len(attempts) == 4 and all(r.outcome == "sent" for r in attempts)  # type: ignore[attr-defined]


def test_the_scanner_finds_what_it_looks_for() -> None:
    assert leaks("NIK 1801014507900003") == ["nik-or-kk"]
    assert leaks("hp 081234567890") == ["phone"]
    assert leaks("hp 0812-3456-7890") == ["phone-grouped"]
    assert leaks("+6281234567890") == ["phone"]
    assert leaks("DK-7MQ3-XA9T pada 4 Desember 2026 pukul 16.00 WIB") == []
