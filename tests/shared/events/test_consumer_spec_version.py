"""The consumer checks ``spec_version`` (shared/events/spec_version.py): the same major is
applied whatever the minor (unknown keys ignored); another major, or a malformed version, is
dead-lettered unread as ``spec-version`` and counted; a notice consumer speaks the notice's
version."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.db.migrate import upgrade
from shared.db.session import make_engine, make_sessionmaker
from shared.events.consumer import EventConsumer
from shared.events.envelope import SPEC_VERSION, EventEnvelope, dead_letter_topic
from shared.events.memory import InProcessBus
from shared.events.notice import NOTICE_SPEC_VERSION, NoticeEnvelope, new_notice
from shared.events.spec_version import major, refused_version, spoken_version
from shared.observability.metrics import EVENTS_REFUSED
from tests.shared.events.test_consumer import (
    TOPIC,
    Recorder,
    counter,
    dlq_records,
    envelope,
    group_name,
    run_consumer,
)


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'consumer.db'}"
    await asyncio.to_thread(upgrade, url)  # alembic runs its own event loop
    engine = make_engine(url)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def bus() -> InProcessBus:
    made = InProcessBus()
    await made.ensure_topics([TOPIC])
    return made


def refused(group: str) -> float:
    return EVENTS_REFUSED.labels(group, "spec_version")._value.get()


def _raw(env: EventEnvelope, **changes: object) -> bytes:
    value = json.loads(env.to_bytes())
    value.update(changes)
    return json.dumps(value).encode()


async def test_another_major_is_dead_lettered_unread_and_counted(
        bus: InProcessBus, sessions: async_sessionmaker[AsyncSession]) -> None:
    group = group_name("major")
    future, good = envelope(case_id="case-v2"), envelope(case_id="case-v1")
    # A v2 envelope may be shaped differently: it is refused before decoding.
    v2 = _raw(future, spec_version="2.0", case={"id": future.case_id})
    await bus.publish(TOPIC, future.case_id, v2)
    await bus.publish(TOPIC, good.case_id, good.to_bytes())
    handler = Recorder()

    await run_consumer(bus, sessions, handler, group)

    assert handler.calls == [good.event_id]
    [dead] = dlq_records(bus)
    assert (dead.key, dead.value) == ("case-v2", v2)
    headers = dict(dead.headers)
    assert headers["halo-dlq-reason"] == b"spec-version"
    assert headers["halo-dlq-error"] == b"spec_version 2.0"
    assert refused(group) == 1
    assert counter(group, "dead_lettered") == 1 and counter(group, "applied") == 1
    assert sum(bus.committed(group, TOPIC)) == 2


async def test_a_newer_minor_is_applied_and_its_unknown_keys_ignored(
        bus: InProcessBus, sessions: async_sessionmaker[AsyncSession]) -> None:
    group = group_name("minor")
    env = envelope()
    newer = _raw(env, spec_version=f"{SPEC_VERSION}.4", priority="tinggi",
                 data={"agency": "disdukcapil", "channel": "loket"})
    await bus.publish(TOPIC, env.case_id, newer)
    seen: list[EventEnvelope] = []

    async def handler(session: AsyncSession, got: EventEnvelope) -> None:
        seen.append(got)

    await run_consumer(bus, sessions, handler, group)

    [got] = seen
    assert got.spec_version == f"{SPEC_VERSION}.4" and got.event_id == env.event_id
    assert "priority" not in got.model_dump()
    assert got.data["channel"] == "loket"  # data is open: kept for whoever knows it
    assert dlq_records(bus) == [] and refused(group) == 0


async def test_a_malformed_version_is_refused_and_a_missing_one_is_the_first(
        bus: InProcessBus, sessions: async_sessionmaker[AsyncSession]) -> None:
    group = group_name("malformed")
    one, two, old = envelope(case_id="a"), envelope(case_id="b"), envelope(case_id="c")
    legacy = json.loads(old.to_bytes())
    del legacy["spec_version"]
    for key, raw in (("a", _raw(one, spec_version="satu")), ("b", _raw(two, spec_version=1)),
                     ("c", json.dumps(legacy).encode())):
        await bus.publish(TOPIC, key, raw)
    handler = Recorder()

    await run_consumer(bus, sessions, handler, group)

    assert handler.calls == [old.event_id]
    assert [dict(r.headers)["halo-dlq-error"] for r in dlq_records(bus)] == [
        b"spec_version malformed", b"spec_version malformed"]
    assert refused(group) == 2


def test_the_version_spoken_follows_the_decoder() -> None:
    assert spoken_version(EventEnvelope.from_bytes) == SPEC_VERSION
    assert spoken_version(NoticeEnvelope.from_bytes) == NOTICE_SPEC_VERSION
    assert spoken_version(lambda raw: raw) == SPEC_VERSION
    assert major("1.7") == "1" and major("12") == "12"
    assert refused_version(b'{"spec_version": "1.9"}', "1") is None
    assert refused_version(b'{"spec_version": "2"}', "1.3") == "2"
    assert refused_version(b"not json", "1") is None  # decoding says what is wrong


async def test_a_notice_consumer_refuses_another_notice_major(
        sessions: async_sessionmaker[AsyncSession]) -> None:
    topic = "halo.perizinan.notices.v1"
    notices = InProcessBus()
    await notices.ensure_topics([topic])
    made = new_notice("perizinan", "acct-1", "permit.expiring", {"days": "30"},
                      datetime(2026, 12, 3, tzinfo=UTC))
    later = new_notice("perizinan", "acct-1", "permit.expiring", {"days": "7"},
                       datetime(2026, 12, 26, tzinfo=UTC))
    future = json.loads(later.to_bytes()) | {"spec_version": "3"}
    await notices.publish(topic, "acct-1", made.to_bytes())
    await notices.publish(topic, "acct-1", json.dumps(future).encode())
    got: list[str] = []

    async def handler(session: AsyncSession, notice: NoticeEnvelope) -> None:
        got.append(notice.notice_id)

    group = group_name("notices")
    consumer = EventConsumer(notices, [topic], group, sessions, handler,  # type: ignore[arg-type]
                             decode=NoticeEnvelope.from_bytes)
    await consumer.start()
    try:
        while await consumer.poll_once(timeout_ms=50):
            pass
    finally:
        await consumer.stop()

    assert got == [made.notice_id]
    dead = [r for part in notices._logs.get(dead_letter_topic(topic), []) for r in part]
    assert [dict(r.headers)["halo-dlq-reason"] for r in dead] == [b"spec-version"]
    assert refused(group) == 1
