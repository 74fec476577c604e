"""Rebuild the tracking read model from the event topics.

``python -m gateway.tracking.rebuild [--idle SECONDS]`` wipes ``tracked_cases``,
``tracked_events`` and the tracking consumer's processed-event rows, then replays every
``halo.<service>.case-events.v1`` topic from the beginning under a fresh consumer group
(``<HALO_TRACKING_GROUP>-rebuild-<time>``), until no record has arrived for ``--idle`` seconds.

It needs the distributed bus (Kafka, ``HALO_BUS=kafka``): in all-in-one mode events live in
the process's memory and there is nothing to replay from. The topics' retention must cover
the cases' lifetime (a case whose first events were deleted cannot be rebuilt: its later
events are dead-lettered as gaps).

Stop the gateways' tracking consumers first (restart the replicas with ``HALO_WORKERS=0``,
which keeps them serving requests): after the wipe, a live consumer would find every new
event of an existing case out of order and dead-letter it, and tracking answers 404 for a
case until the replay reaches it. Start them again when the rebuild is done; their group's
offsets are untouched, so they continue where they stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from gateway.settings import SERVICES, GatewaySettings
from gateway.tracking.part import MIGRATIONS
from gateway.tracking.projector import apply_event, topics
from gateway.tracking.tables import TrackedCaseRow, TrackedEventRow
from shared.db import migrate
from shared.db.session import make_engine, make_sessionmaker
from shared.db.tables import ProcessedEventRow
from shared.events.bus import EventBus
from shared.events.consumer import EventConsumer
from shared.events.kafka import KafkaBus
from shared.events.kafka_settings import KafkaSettings

DEFAULT_GROUP = GatewaySettings.tracking_group


async def wipe(sessions: async_sessionmaker[AsyncSession], group: str = DEFAULT_GROUP) -> None:
    async with sessions() as session:
        await session.execute(delete(TrackedEventRow))
        await session.execute(delete(TrackedCaseRow))
        await session.execute(delete(ProcessedEventRow).where(
            col(ProcessedEventRow.consumer).startswith(group)))
        await session.commit()


async def rebuild(sessions: async_sessionmaker[AsyncSession], bus: EventBus, *,
                  idle_s: float = 10.0, group: str = DEFAULT_GROUP) -> int:
    """Wipe and replay under a fresh consumer group; return the number of records read."""
    await wipe(sessions, group)
    group = f"{group}-rebuild-{datetime.now(UTC):%Y%m%d%H%M%S}"
    consumer = EventConsumer(bus, topics(SERVICES), group, sessions, apply_event)
    await consumer.start()
    read = 0
    last = time.monotonic()
    try:
        while time.monotonic() - last < idle_s:
            got = await consumer.poll_once(timeout_ms=int(min(idle_s, 1.0) * 1000))
            if got:
                read += got
                last = time.monotonic()
    finally:
        await consumer.stop()
    return read


async def _main(idle_s: float) -> int:
    conf = GatewaySettings.from_env()
    if conf.bus != "kafka":
        print("rebuild needs the Kafka bus (HALO_BUS=kafka): in all-in-one mode events are "
              "kept in memory only, so there is nothing to replay.", file=sys.stderr)
        return 2
    folder, table = MIGRATIONS
    await asyncio.to_thread(migrate.upgrade, conf.database_url, "head",
                            Path(folder), table)
    db = make_engine(conf.database_url)
    bus = KafkaBus(conf.kafka_bootstrap, client_id="halo-gateway-rebuild",
                   settings=KafkaSettings.from_env())
    await bus.start()
    try:
        read = await rebuild(make_sessionmaker(db), bus, idle_s=idle_s,
                             group=conf.tracking_group)
    finally:
        await bus.stop()
        await db.dispose()
    print(f"tracking read model rebuilt from {read} events")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.tracking.rebuild",
                                     description="Rebuild the tracking read model.")
    parser.add_argument("--idle", type=float, default=10.0,
                        help="stop after this many seconds without a new record")
    args = parser.parse_args(argv)
    return asyncio.run(_main(args.idle))


if __name__ == "__main__":
    sys.exit(main())
