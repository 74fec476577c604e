"""The consumer's handler: turn one case event into notification rows.

For each recipient group of :func:`gateway.notifications.rules.targets`, each account gets
one in-app row (the feed) and, as its preferences allow, one pending e-mail row and one
pending WhatsApp row, all rendered in the account's language. Rows are unique by (event,
account, channel, kind) and inserted with "skip if present", in the consumer's transaction
(the one that also records the event id as processed): a redelivered event, a restart or a
replay under another group never writes a second row, so nothing is ever sent twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.notifications import store
from gateway.notifications.metrics import QUEUED
from gateway.notifications.rules import Target, targets
from gateway.notifications.tables import NotificationPreferenceRow
from gateway.notifications.templates import Templates
from shared.events.envelope import EventEnvelope
from shared.registry import load_registry

JAKARTA = ZoneInfo("Asia/Jakarta")
SURVEY_PATH = "/api/v1/survey/{tracking_no}"
"""Where the applicant rates a closed case (``gateway/survey``)."""
TRACKING_PATH = "/api/v1/tracking/{tracking_no}"
MONTHS = {"id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                 "September", "Oktober", "November", "Desember"),
          "en": ("January", "February", "March", "April", "May", "June", "July", "August",
                 "September", "October", "November", "December")}
LABELS = {"id": ("dokumen", "isian"), "en": ("documents", "fields")}


@dataclass(frozen=True)
class Choice:
    email: bool
    whatsapp: bool
    language: str


def choice(row: NotificationPreferenceRow | None, who: store.Contact, *, email: bool,
           whatsapp: bool) -> Choice:
    """The channels an account gets: its stored choice (or the defaults: e-mail when it
    has an address, WhatsApp when it has a number), limited to what it has and what is
    configured."""
    has_email, has_phone = bool(who.email) and email, bool(who.phone) and whatsapp
    if row is None:
        return Choice(has_email, has_phone, "id")
    return Choice(row.email and has_email, row.whatsapp and has_phone, row.language)


def when(value: object, lang: str) -> str:
    if isinstance(value, str) and value:
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return ""
    local = value.astimezone(JAKARTA)
    month = MONTHS.get(lang, MONTHS["id"])[local.month - 1]
    if lang == "en":
        return f"{local.day} {month} {local.year}, {local:%H:%M} WIB"
    return f"{local.day} {month} {local.year} pukul {local:%H.%M} WIB"


def _requested(data: dict[str, Any], lang: str) -> str:
    requested = data.get("requested")
    if not isinstance(requested, dict):
        return ""
    parts = []
    for key, label in zip(("documents", "fields"), LABELS.get(lang, LABELS["id"]),
                          strict=True):
        names = [str(n).replace("_", " ") for n in requested.get(key) or []]
        if names:
            parts.append(f"{label}: {', '.join(names)}")
    return "; ".join(parts)


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def values(event: EventEnvelope, lang: str) -> dict[str, str]:
    """The placeholders of ``event`` (ids, titles and times; never a form value)."""
    data = event.data
    agency = str(data.get("agency") or event.actor_agency or "")
    info = load_registry().agencies.get(agency)
    output, escalate = _mapping(data.get("output")), _mapping(data.get("escalate_to"))
    current = event.current
    due = (current.due_at if current and current.due_at else data.get("due_at"))
    return {
        "tracking_no": event.tracking_no, "title": str(data.get("title") or event.sop_key),
        "agency_name": info.name if info else agency, "service": event.source,
        "status": event.status, "step": current.id if current else (event.step or ""),
        "reason": str(data.get("reason") or ""), "deadline": when(data.get("deadline"), lang),
        "requested": _requested(data, lang), "output_title": str(output.get("title") or ""),
        "output_number": str(output.get("number") or ""),
        "survey_path": SURVEY_PATH.format(tracking_no=event.tracking_no),
        "tracking_path": TRACKING_PATH.format(tracking_no=event.tracking_no),
        "due_at": when(due, lang), "level": str(escalate.get("level") or "")}


class Notifier:
    def __init__(self, templates: Templates, clock: Callable[[], datetime], *,
                 email: bool, whatsapp: bool) -> None:
        self.templates = templates
        self.clock = clock
        self.email = email
        self.whatsapp = whatsapp

    async def _recipients(self, session: AsyncSession, target: Target) -> list[store.Contact]:
        if target.account is not None:
            found = await store.contact(session, target.account)
            # An applicant unknown to identity (e.g. an integration's subject) still has
            # a feed; it has no address to send to.
            return [found or store.Contact(target.account, None, None)]
        assert target.scope is not None
        return await store.holders(session, *target.scope)

    async def handle(self, session: AsyncSession, event: EventEnvelope) -> None:
        now = self.clock()
        rows: dict[tuple[str, str, str], dict[str, Any]] = {}
        for target in targets(event):
            if not self.templates.has(target.template, target.audience):
                continue
            for who in await self._recipients(session, target):
                pick = choice(await store.preferences(session, who.id), who,
                              email=self.email, whatsapp=self.whatsapp)
                rendered = self.templates.render(target.template, target.audience,
                                                 pick.language, values(event, pick.language))
                channels = ["inapp"]
                if who.active:
                    channels += [c for c, on in (("email", pick.email),
                                                 ("whatsapp", pick.whatsapp)) if on]
                for channel in channels:
                    key = (who.id, channel, target.kind)
                    if key in rows:
                        continue
                    wa = channel == "whatsapp"
                    rows[key] = {
                        "id": str(uuid.uuid4()), "event_id": event.event_id,
                        "account_id": who.id, "channel": channel, "kind": target.kind,
                        "event_type": event.type, "audience": target.audience,
                        "case_id": event.case_id, "service": event.source,
                        "tracking_no": event.tracking_no, "language": pick.language,
                        "title": rendered.title,
                        "body": rendered.whatsapp if wa else rendered.body,
                        "template": rendered.whatsapp_template if wa else None,
                        "status": "sent" if channel == "inapp" else "pending",
                        "attempts": 0, "next_attempt_at": None if channel == "inapp" else now,
                        "created_at": event.time, "sent_at": now if channel == "inapp" else None}
        for channel in await store.add_all(session, list(rows.values())):
            QUEUED.labels(channel).inc()
