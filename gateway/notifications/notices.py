"""Notices: what a department tells one account directly (shared.events.notice).

The consumer reads ``halo.<service>.notices.v1`` of every service (group
``<notifications group>-notices``); each notice is rendered from its template file
``templates/notices/<template>.yaml`` (section ``recipient``, texts ``id`` and ``en``:
``title``, ``body``, optional ``whatsapp``; placeholders are the notice's ``params``, a time
in RFC 3339 shown as a WIB date) and written as one in-app row and, as the account's
preferences allow, one pending e-mail and WhatsApp row, unique by (notice, account,
channel, kind ``notice``): exactly once per notice and channel, like case events. A notice
of an unknown template or spec version is dead-lettered (add the template, replay it).
"""

from __future__ import annotations

import re
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.notifications import store
from gateway.notifications.metrics import QUEUED
from gateway.notifications.service import choice, when
from gateway.notifications.templates import LANGUAGES, TEXT_KEYS, TemplateError
from shared.events.consumer import PermanentError
from shared.events.notice import NOTICE_SPEC_VERSION, NoticeEnvelope
from shared.redact import scrub

SECTION = "recipient"
KIND = "notice"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _check(where: str, text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise TemplateError(f"{where}: teks kosong atau bukan teks")
    try:
        names = {n for _, n, _, _ in string.Formatter().parse(text) if n is not None}
    except ValueError as exc:
        raise TemplateError(f"{where}: {exc}") from None
    bad = sorted(n for n in names if not _NAME.match(n))
    if bad:
        raise TemplateError(f"{where}: placeholder tidak sah {bad}")
    return text


@dataclass(frozen=True)
class NoticeText:
    title: str
    body: str
    whatsapp: str


class NoticeTemplates:
    def __init__(self, files: dict[str, dict[str, dict[str, str]]]) -> None:
        self._files = files

    @classmethod
    def load(cls, folder: Path) -> NoticeTemplates:
        files: dict[str, dict[str, dict[str, str]]] = {}
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            section = data.get(SECTION) if isinstance(data, dict) else None
            if not isinstance(section, dict) or set(data) != {SECTION}:
                raise TemplateError(f"notices/{path.name}: hanya bagian '{SECTION}'")
            texts: dict[str, dict[str, str]] = {}
            for lang in LANGUAGES:
                entry = section.get(lang)
                if not isinstance(entry, dict) or not {"title", "body"} <= entry.keys() \
                        or not set(entry) <= set(TEXT_KEYS):
                    raise TemplateError(f"notices/{path.name}.{lang}: title dan body wajib")
                texts[lang] = {k: _check(f"notices/{path.name}.{lang}.{k}", v)
                               for k, v in entry.items()}
            files[path.stem] = texts
        return cls(files)

    def has(self, template: str) -> bool:
        return template in self._files

    def render(self, template: str, language: str, params: dict[str, str]) -> NoticeText:
        lang = language if language in LANGUAGES else LANGUAGES[0]
        texts = self._files[template][lang]
        values = _Values({k: scrub(_shown(v, lang)) for k, v in params.items()})
        title = scrub(texts["title"].format_map(values)).strip()
        body = scrub(texts["body"].format_map(values)).strip()
        whatsapp = scrub(texts.get("whatsapp", texts["body"]).format_map(values)).strip()
        return NoticeText(title, body, whatsapp)


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "-"


def _shown(value: str, lang: str) -> str:
    """A time (RFC 3339) as a WIB date in words; anything else as it is."""
    if _TIME.match(value):
        try:
            return when(value.replace("Z", "+00:00"), lang)
        except ValueError:
            return value
    return value


class NoticeNotifier:
    def __init__(self, templates: NoticeTemplates, clock: Callable[[], datetime], *,
                 email: bool, whatsapp: bool) -> None:
        self.templates = templates
        self.clock = clock
        self.email = email
        self.whatsapp = whatsapp

    async def handle(self, session: AsyncSession, notice: NoticeEnvelope) -> None:
        if notice.spec_version.split(".")[0] != NOTICE_SPEC_VERSION:
            raise PermanentError(f"notice spec_version {notice.spec_version}")
        if not self.templates.has(notice.template):
            raise PermanentError(f"no notice template {notice.template}")
        now = self.clock()
        who = await store.contact(session, notice.recipient) \
            or store.Contact(notice.recipient, None, None)
        pick = choice(await store.preferences(session, who.id), who, email=self.email,
                      whatsapp=self.whatsapp)
        text = self.templates.render(notice.template, pick.language, notice.params)
        channels = ["inapp"]
        if who.active:
            channels += [c for c, on in (("email", pick.email), ("whatsapp", pick.whatsapp))
                         if on]
        rows: list[dict[str, Any]] = [{
            "id": str(uuid.uuid4()), "event_id": notice.notice_id, "account_id": who.id,
            "channel": channel, "kind": KIND, "event_type": notice.template[:40],
            "audience": "applicant", "case_id": "", "service": notice.source,
            "tracking_no": (notice.tracking_no or "")[:20], "language": pick.language,
            "title": text.title, "body": text.whatsapp if channel == "whatsapp" else text.body,
            "template": None, "status": "sent" if channel == "inapp" else "pending",
            "attempts": 0, "next_attempt_at": None if channel == "inapp" else now,
            "created_at": notice.created_at, "sent_at": now if channel == "inapp" else None}
            for channel in channels]
        for channel in await store.add_all(session, rows):
            QUEUED.labels(channel).inc()
