"""Queries of the one-time code part. Never commits (the request's session does)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gateway.otp.tables import OtpCodeRow, OtpHitRow


async def hits_since(session: AsyncSession, scope: str, key: str, since: datetime
                     ) -> tuple[int, datetime | None]:
    """How many requests of ``key`` were counted after ``since``, and the oldest of them."""
    query = select(func.count(), func.min(col(OtpHitRow.at))).where(
        col(OtpHitRow.scope) == scope, col(OtpHitRow.key) == key, col(OtpHitRow.at) > since)
    count, oldest = (await session.execute(query)).one()
    return int(count), oldest


def add_hit(session: AsyncSession, scope: str, key: str, at: datetime) -> None:
    session.add(OtpHitRow(scope=scope, key=key, at=at))


async def forget_hits(session: AsyncSession, before: datetime) -> None:
    await session.execute(delete(OtpHitRow).where(col(OtpHitRow.at) <= before))


def _open(phone_hash: str, purpose: str) -> list[object]:
    return [col(OtpCodeRow.phone_hash) == phone_hash, col(OtpCodeRow.purpose) == purpose,
            col(OtpCodeRow.used_at).is_(None), col(OtpCodeRow.voided_at).is_(None)]


async def void_open_codes(session: AsyncSession, phone_hash: str, purpose: str,
                          now: datetime) -> None:
    """A new code replaces the open ones of the same number and purpose."""
    await session.execute(update(OtpCodeRow).where(*_open(phone_hash, purpose))  # type: ignore[arg-type]
                          .values(voided_at=now))


async def latest_open(session: AsyncSession, phone_hash: str, purpose: str
                      ) -> OtpCodeRow | None:
    """The newest code of the number that is neither used nor void, locked."""
    query = (select(OtpCodeRow).where(*_open(phone_hash, purpose))  # type: ignore[arg-type]
             .order_by(col(OtpCodeRow.created_at).desc()).limit(1).with_for_update())
    return (await session.execute(query)).scalar_one_or_none()
