"""The notice contract: a department asks the gateway to tell one account something.

A case event tells the gateway what happened to a case; a notice is for what a department
knows that no case event says (a permit about to lapse, a one-time code, a tax due date).
The department writes a :class:`NoticeEnvelope` to its outbox (one transaction with the
change that caused it) on topic ``halo.<service>.notices.v1``, key = recipient; the relay
publishes it like any event. The gateway's notifications consumer renders the template
``template`` (a file per key, data) for the recipient through the same channels, exactly
once per notice and channel (``notice_id`` is the idempotency key).

Like a case event, a notice carries no personal data: the recipient is the opaque account
id the gateway issued, and ``params`` are non-personal values (a number, a date, a count).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.tables import OutboxRow
from shared.events.outbox_signal import signal_commit
from shared.redact import scrub

NOTICE_SPEC_VERSION = "1"
_KEY = re.compile(r"^[a-z][a-z0-9_.-]{2,79}$")


def notice_topic(service: str) -> str:
    return f"halo.{service}.notices.v1"


class NoticeEnvelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    spec_version: str = NOTICE_SPEC_VERSION
    notice_id: str
    source: str
    """The department service that sends it (``perizinan``, ``damkar``, ``pajak``, ...)."""
    recipient: str = Field(min_length=1, max_length=64)
    """The account id of the recipient (the gateway's opaque subject, never a NIK)."""
    template: str
    """The template key: ``templates/<key>.yaml`` in the gateway's notifications."""
    params: dict[str, str] = Field(default_factory=dict)
    link: str | None = Field(default=None, max_length=300)
    tracking_no: str | None = Field(default=None, max_length=40)
    created_at: AwareDatetime

    @field_validator("template")
    @classmethod
    def _template_key(cls, value: str) -> str:
        if not _KEY.match(value):
            raise ValueError("template key: lower-case letters, digits, '.', '_' or '-'")
        return value

    @field_validator("params")
    @classmethod
    def _no_personal_digits(cls, value: dict[str, str]) -> dict[str, str]:
        """Runs of nine or more digits (a NIK or phone) never travel in a notice."""
        return {k: scrub(str(v))[:300] for k, v in value.items()}

    @property
    def event_id(self) -> str:
        """The idempotency key under the name consumers know (``processed_events``)."""
        return self.notice_id

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> NoticeEnvelope:
        return cls.model_validate_json(raw)


def new_notice(source: str, recipient: str, template: str, params: dict[str, str],
               created_at: datetime, *, link: str | None = None,
               tracking_no: str | None = None, notice_id: str | None = None
               ) -> NoticeEnvelope:
    return NoticeEnvelope(notice_id=notice_id or str(uuid.uuid4()), source=source,
                          recipient=recipient, template=template, params=params,
                          link=link, tracking_no=tracking_no, created_at=created_at)


async def publish_notice(session: AsyncSession, notice: NoticeEnvelope) -> None:
    """Write ``notice`` to the service's outbox in the caller's transaction."""
    session.add(OutboxRow(event_id=notice.notice_id, topic=notice_topic(notice.source),
                          key=notice.recipient, payload=notice.model_dump_json(),
                          created_at=notice.created_at, attempts=0))
    await signal_commit(session, notice.source)
    await session.flush()
