"""E-mail: over SMTP to a real local server (aiosmtpd), retried on a temporary refusal,
dead-lettered on a permanent one; without an SMTP host, into the Maildir ``var/mail``."""

from __future__ import annotations

import mailbox
from datetime import timedelta
from pathlib import Path

from gateway.notifications.settings import SmtpSettings
from gateway.notifications.tables import NotificationAttemptRow
from tests.gateway.notifications.support import notifying_gateway, officer_step, settings
from tests.support.smtp_server import free_port, smtp_server


def smtp(port: int) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, starttls=False,
                        sender="Halo Lamsel <no-reply@halo.test>", timeout_s=5)


async def test_the_smtp_server_receives_the_mail(tmp_path: Path) -> None:
    with smtp_server() as (sink, port):
        async with notifying_gateway(tmp_path, conf=settings(tmp_path, smtp=smtp(port),
                                                             maildir=None)) as gw:
            warga = await gw.account(["citizen"], email="rina@contoh.id")
            event = gw.event("case.submitted", applicant=warga, current=officer_step())
            await gw.publish(event)
            await gw.consume()
            assert await gw.deliver() == 1
            [mail] = sink.received
            assert mail.rcpt_tos == ["rina@contoh.id"]
            assert mail.message["To"] == "rina@contoh.id"
            assert mail.message["From"] == "Halo Lamsel <no-reply@halo.test>"
            assert mail.message["Subject"] == "Permohonan DK-7MQ3-XA9T diterima"
            text = mail.message.get_content().replace("\r\n", "\n")
            [row] = await gw.rows(channel="email")
            assert text.startswith(row.body) and "DK-7MQ3-XA9T" in row.body
            assert "Pesan ini dikirim otomatis oleh Halo Lamsel" in text
            assert row.status == "sent" and row.attempts == 1
            assert row.provider_id == mail.message["Message-ID"]
            [attempt] = await gw.rows(NotificationAttemptRow)
            assert (attempt.outcome, attempt.error, attempt.status_code) == ("sent", None, None)

            # Redelivered, and another round: nothing is sent twice.
            await gw.publish(event)
            await gw.consume()
            assert await gw.deliver() == 0
            assert len(sink.received) == 1


async def test_a_temporary_refusal_is_retried_after_the_backoff(tmp_path: Path) -> None:
    with smtp_server() as (sink, port):
        async with notifying_gateway(tmp_path, conf=settings(tmp_path, smtp=smtp(port),
                                                             maildir=None)) as gw:
            warga = await gw.account(["citizen"], email="rina@contoh.id")
            sink.refuse("451 4.3.0 Coba lagi nanti", "451 4.3.0 Coba lagi nanti")
            await gw.publish(gw.event("case.submitted", applicant=warga, current=None))
            await gw.consume()
            assert await gw.deliver() == 1
            [row] = await gw.rows(channel="email")
            assert (row.status, row.attempts, row.error) == ("pending", 1, "smtp-451")
            assert row.next_attempt_at == gw.clock() + timedelta(seconds=30)
            assert await gw.deliver() == 0  # not due yet
            gw.clock.advance(seconds=30)
            assert await gw.deliver() == 1
            [row] = await gw.rows(channel="email")
            assert row.next_attempt_at == gw.clock() + timedelta(seconds=60)  # doubled
            gw.clock.advance(seconds=60)
            assert await gw.deliver() == 1
            assert len(sink.received) == 1
            attempts = await gw.rows(NotificationAttemptRow)
            assert [(a.outcome, a.error, a.status_code) for a in attempts] == [
                ("retry", "smtp-451", 451), ("retry", "smtp-451", 451), ("sent", None, None)]
            [row] = await gw.rows(channel="email")
            assert row.status == "sent"


async def test_a_permanent_refusal_is_dead_lettered_at_once(tmp_path: Path) -> None:
    with smtp_server() as (sink, port):
        async with notifying_gateway(tmp_path, conf=settings(tmp_path, smtp=smtp(port),
                                                             maildir=None)) as gw:
            warga = await gw.account(["citizen"], email="tidak.ada@contoh.id")
            sink.refuse("550 5.1.1 Alamat tidak dikenal")
            event = gw.event("case.submitted", applicant=warga, current=None)
            await gw.publish(event)
            await gw.consume()
            assert await gw.deliver() == 1
            [row] = await gw.rows(channel="email")
            assert (row.status, row.attempts, row.error) == ("dead", 1, "smtp-550")
            assert row.dead_lettered_at is not None
            [record] = gw.dead_letters()
            assert record["notification_id"] == row.id
            assert (record["event_id"], record["channel"], record["error"],
                    record["status_code"]) == (event.event_id, "email", "smtp-550", 550)
            assert "contoh.id" not in str(record)
            assert sink.received == []


async def test_an_unreachable_server_is_a_retryable_failure(tmp_path: Path) -> None:
    conf = settings(tmp_path, smtp=smtp(free_port()), maildir=None, max_attempts=2)
    async with notifying_gateway(tmp_path, conf=conf) as gw:
        warga = await gw.account(["citizen"], email="rina@contoh.id")
        await gw.publish(gw.event("case.submitted", applicant=warga, current=None))
        await gw.consume()
        await gw.deliver()
        gw.clock.advance(seconds=30)
        await gw.deliver()
        [row] = await gw.rows(channel="email")
        assert (row.status, row.attempts) == ("dead", 2)
        assert row.error == "smtp-ConnectionRefusedError"
        assert [r["error"] for r in gw.dead_letters()] == ["smtp-ConnectionRefusedError"]


async def test_without_smtp_the_mail_goes_to_the_maildir(tmp_path: Path) -> None:
    async with notifying_gateway(tmp_path) as gw:  # settings(): maildir tmp/mail, no SMTP
        warga = await gw.account(["citizen"], email="rina@contoh.id")
        await gw.publish(gw.event("case.submitted", applicant=warga, current=None))
        await gw.consume()
        assert await gw.deliver() == 1
    box = mailbox.Maildir(tmp_path / "mail", create=False)
    [message] = list(box)
    assert message["To"] == "rina@contoh.id"
    assert message["Subject"] == "Permohonan DK-7MQ3-XA9T diterima"
    assert "DK-7MQ3-XA9T" in message.get_payload(decode=True).decode()
    assert len(list((tmp_path / "mail" / "new").iterdir())) == 1
