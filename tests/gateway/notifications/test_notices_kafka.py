"""Notices on the real Kafka broker and a real PostgreSQL database (integration tier): a
notice published twice gives one row per channel; a replay under another group writes
nothing new. Topics of its own (a uuid suffix)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import select

from gateway.notifications.notices import NoticeNotifier, NoticeTemplates
from gateway.notifications.part import NotifyingConsumer
from gateway.notifications.tables import NotificationRow
from shared.events.consumer import Handler
from shared.events.kafka import KafkaBus
from shared.events.notice import NoticeEnvelope, new_notice
from tests.gateway.notifications.support import Clock
from tests.gateway.notifications.test_kafka import Sessions, add_account, drain, sessions
from tests.support.kafka_consumer import consumed

pytestmark = pytest.mark.integration
__all__ = ["sessions"]  # the PostgreSQL fixture of test_kafka, used below
TEMPLATES = Path(__file__).resolve().parents[3] / "gateway" / "notifications" / "templates"


async def test_a_notice_on_kafka_is_applied_once(kafka_bootstrap: str, sessions: Sessions
                                                 ) -> None:
    suffix = uuid.uuid4().hex[:12]
    topic = f"halo.noticetest{suffix}.notices.v1"
    bus = KafkaBus(kafka_bootstrap, client_id=f"halo-notice-{suffix}", request_timeout_ms=5000)
    await bus.start()
    notifier = NoticeNotifier(NoticeTemplates.load(TEMPLATES / "notices"), Clock(),
                              email=True, whatsapp=False)

    def consumer(group: str) -> NotifyingConsumer:
        return NotifyingConsumer(bus, [topic], group, sessions,
                                 cast(Handler, notifier.handle), lambda: None,
                                 decode=NoticeEnvelope.from_bytes)

    try:
        await bus.ensure_topics([topic])
        holder = await add_account(sessions, ["citizen"], None)
        notice = new_notice("perizinan", holder, "permit.expiring", {
            "number": "503/0001/DPMPTSP/XII/2026", "days_left": "7",
            "valid_until": "2031-12-03T02:00:00Z"}, datetime(2031, 11, 26, 2, 0, tzinfo=UTC))
        for _ in range(2):
            await bus.publish(topic, notice.recipient, notice.to_bytes())

        async def rows() -> list[tuple[str, str]]:
            async with sessions() as session:
                found = await session.scalars(select(NotificationRow))
                return sorted((r.channel, r.title) for r in found)

        async def caught_up() -> bool:
            return consumed(f"notice-{suffix}", "duplicate") >= 1

        first = consumer(f"notice-{suffix}")
        await first.start()
        await drain(first, caught_up)
        await first.stop()
        title = "Izin 503/0001/DPMPTSP/XII/2026 berakhir dalam 7 hari"
        assert await rows() == [("email", title), ("inapp", title)]
        assert consumed(f"notice-{suffix}", "applied") == 1

        replay = consumer(f"notice-{suffix}-replay")
        await replay.start()

        async def replayed() -> bool:
            return consumed(f"notice-{suffix}-replay", "applied") >= 1
        await drain(replay, replayed)
        await replay.stop()
        assert len(await rows()) == 2
    finally:
        await bus.stop()
