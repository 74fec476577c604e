"""The notifications part: its routes, its tables, the consumer and the delivery worker.

The consumer reads all seven ``halo.<service>.case-events.v1`` topics as group
``gateway-notifications`` (``HALO_NOTIFICATIONS_GROUP``) and writes notification rows
(:mod:`.service`); a second consumer (group ``<group>-notices``) reads every service's
``halo.<service>.notices.v1`` and writes the rows of each notice (:mod:`.notices`); the
delivery worker sends the e-mail and WhatsApp rows (:mod:`.delivery`).
With ``workers`` on (the default) both run as tasks until the runtime's stop event; with it
off (tests, or a replica that only serves reads) they are started but not run:
``runtime.state["notifications"].consumer.poll_once()`` and ``.worker.run_once()`` drive
them. ``PART`` reads its settings from the environment; tests build one with
:func:`make_part`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.notifications import messages
from gateway.notifications.channels.base import Channel
from gateway.notifications.channels.mail import MaildirChannel, SmtpChannel
from gateway.notifications.channels.whatsapp import WhatsAppChannel
from gateway.notifications.delivery import DeliveryWorker
from gateway.notifications.notices import NoticeNotifier, NoticeTemplates
from gateway.notifications.routes import STATE_KEY, router
from gateway.notifications.service import Notifier
from gateway.notifications.settings import NotificationSettings, SmtpSettings
from gateway.notifications.templates import TemplateError, Templates
from gateway.runtime import GatewayPart, GatewayRuntime
from gateway.settings import SERVICES
from shared.aio.waiting import end_tasks
from shared.events.bus import EventBus
from shared.events.consumer import EventConsumer, Handler
from shared.events.envelope import EventEnvelope, case_topic
from shared.events.notice import NoticeEnvelope, notice_topic

messages.install()

MIGRATIONS = (str(Path(__file__).with_name("migrations")), "alembic_version_notifications")
STOP_GRACE_S = 5.0
REQUIRED = (("case.submitted", "applicant"), ("case.submitted", "officer"),
            ("case.step_completed", "officer"), ("case.returned", "applicant"),
            ("case.resubmitted", "applicant"), ("case.resubmitted", "officer"),
            ("case.rejected", "applicant"), ("case.output_issued", "applicant"),
            ("case.completed", "applicant"), ("survey", "applicant"),
            ("case.due_soon", "officer"), ("case.overdue", "supervisor"),
            ("case.escalated", "supervisor"))
log = logging.getLogger("halo.notifications")


class NotifyingConsumer(EventConsumer):
    """The shared consumer, waking the delivery worker after a batch is committed."""

    def __init__(self, bus: EventBus, topics: list[str], group: str,
                 sessions: async_sessionmaker[AsyncSession],
                 handler: Handler, after_batch: Callable[[], None],
                 decode: Callable[[bytes], Any] = EventEnvelope.from_bytes) -> None:
        super().__init__(bus, topics, group, sessions, handler, decode=decode)
        self._after_batch = after_batch

    async def poll_once(self, timeout_ms: int = 500) -> int:
        read = await super().poll_once(timeout_ms)
        if read:
            self._after_batch()
        return read


@dataclass
class NotificationsState:
    settings: NotificationSettings
    notifier: Notifier
    consumer: EventConsumer
    worker: DeliveryWorker
    notices: EventConsumer | None = None
    """The consumer of the services' notices (:mod:`.notices`)."""
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)


def make_consumer(bus: EventBus, topics: list[str], group: str,
                  sessions: async_sessionmaker[AsyncSession], notifier: Notifier,
                  worker: DeliveryWorker) -> NotifyingConsumer:
    """The notification consumer of ``topics`` (the seven case topics in the gateway)."""
    return NotifyingConsumer(bus, topics, group, sessions, notifier.handle, worker.wake.set)


def make_notice_consumer(bus: EventBus, sessions: async_sessionmaker[AsyncSession],
                         conf: NotificationSettings, channels: dict[str, Channel],
                         clock: Callable[[], datetime], worker: DeliveryWorker
                         ) -> NotifyingConsumer:
    """The consumer of every service's notices (``halo.<service>.notices.v1``), rendered
    from ``templates/notices/`` through the same channels (:mod:`.notices`)."""
    templates = NoticeTemplates.load(conf.templates_dir / "notices")
    notifier = NoticeNotifier(templates, clock, email="email" in channels,
                              whatsapp="whatsapp" in channels)
    consumer = NotifyingConsumer(bus, [notice_topic(s) for s in SERVICES],
                                 f"{conf.group}-notices", sessions,
                                 cast(Handler, notifier.handle), worker.wake.set,
                                 decode=NoticeEnvelope.from_bytes)
    return consumer


def load_templates(settings: NotificationSettings) -> Templates:
    templates = Templates.load(settings.templates_dir)
    missing = [f"{t}.{a}" for t, a in REQUIRED if not templates.has(t, a)]
    if missing:
        raise TemplateError(f"templat pemberitahuan tidak lengkap: {', '.join(missing)}")
    return templates


def build_channels(settings: NotificationSettings, templates: Templates,
                   given: dict[str, Channel] | None = None) -> dict[str, Channel]:
    """E-mail (SMTP, or the Maildir without an SMTP host) and WhatsApp when configured;
    ``given`` channels (tests) replace the configured ones of the same name."""
    channels: dict[str, Channel] = {}
    footer = templates.footer("id")
    if settings.smtp is not None:
        channels["email"] = SmtpChannel(settings.smtp, footer)
    elif settings.maildir is not None:
        channels["email"] = MaildirChannel(settings.maildir, SmtpSettings.sender, footer)
    if settings.whatsapp is not None:
        channels["whatsapp"] = WhatsAppChannel(settings.whatsapp)
    channels.update(given or {})
    return channels


def make_part(settings: NotificationSettings | None = None,
              channels: dict[str, Channel] | None = None) -> GatewayPart:
    async def start(runtime: GatewayRuntime) -> None:
        conf = settings or NotificationSettings.from_env()
        templates = load_templates(conf)
        chosen = build_channels(conf, templates, channels)
        if "email" not in chosen:
            log.warning("notification e-mail is off: HALO_SMTP_HOST is not set")
        notifier = Notifier(templates, runtime.clock, email="email" in chosen,
                            whatsapp="whatsapp" in chosen)
        worker = DeliveryWorker(runtime.sessions, chosen, runtime.bus, conf, runtime.clock)
        await worker.start()
        consumer = make_consumer(runtime.bus, [case_topic(s) for s in SERVICES], conf.group,
                                 runtime.sessions, notifier, worker)
        await consumer.start()
        notices = make_notice_consumer(runtime.bus, runtime.sessions, conf, chosen,
                                       runtime.clock, worker)
        await notices.start()
        state = NotificationsState(conf, notifier, consumer, worker, notices)
        if runtime.settings.workers:
            state.tasks = [
                asyncio.create_task(consumer.run(runtime.stop_event),
                                    name="gateway-notifications-consumer"),
                asyncio.create_task(notices.run(runtime.stop_event),
                                    name="gateway-notifications-notices"),
                asyncio.create_task(worker.run(runtime.stop_event),
                                    name="gateway-notifications-delivery")]
            runtime.tasks.extend(state.tasks)
        runtime.state[STATE_KEY] = state

    async def stop(runtime: GatewayRuntime) -> None:
        state: NotificationsState | None = runtime.state.get(STATE_KEY)
        if state is None:
            return
        await end_tasks(state.tasks, STOP_GRACE_S)  # the stop event is set
        await state.consumer.stop()
        if state.notices is not None:
            await state.notices.stop()
        await state.worker.aclose()

    return GatewayPart(name="notifications", router=router, start=start, stop=stop,
                       migrations=MIGRATIONS)


PART = make_part()
