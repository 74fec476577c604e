"""PostgreSQL and Kafka for the benchmarks: started here when nothing listens on their ports
(and stopped again at the end), and the Kafka topics and consumer-group set-up.

Nothing here runs at import time. ``HALO_BENCH_KAFKA_DATA`` is the broker's data folder
when this module starts one (default ``/tmp/halo-kafka-bench2``, wiped on each such start).
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import time
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urlparse

from bench.common import kafka_bootstrap, pg_admin_url
from bench.procs import ROOT, port_open

KAFKA_DATA = os.environ.get("HALO_BENCH_KAFKA_DATA", "/tmp/halo-kafka-bench2")


@dataclass
class Infra:
    """PostgreSQL and Kafka: reused when they listen, else started here and stopped on exit
    (``with Infra() as infra: infra.ensure()``)."""

    started: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def ensure(self) -> None:
        pg = urlparse(pg_admin_url())
        pg_host, pg_port = pg.hostname or "127.0.0.1", pg.port or 5432
        if port_open(pg_host, pg_port):
            print(f"  PostgreSQL {pg_host}:{pg_port}: already running, reused", flush=True)
        else:
            env = dict(os.environ, PGDATA=str(ROOT / "var" / "bench-pg"), PGPORT=str(pg_port),
                       PG_DATABASES="halo_bench")
            self._run("postgres", env)
        host, _, port = kafka_bootstrap().rpartition(":")
        if port_open(host, int(port)):
            print(f"  Kafka {host}:{port}: already running, reused", flush=True)
        elif host not in ("127.0.0.1", "localhost"):
            raise RuntimeError(f"no Kafka at {kafka_bootstrap()} (kafka.sh serves 127.0.0.1)")
        else:
            self._run("kafka", dict(os.environ, KAFKA_DATA=KAFKA_DATA, KAFKA_FRESH="1",
                                    KAFKA_PORT=port))

    def _run(self, name: str, env: dict[str, str]) -> None:
        script = ROOT / "deploy" / "local" / f"{name}.sh"
        self.started.append((name, env))  # stop even if start fails half-way
        subprocess.run([str(script), "start"], env=env, cwd=str(ROOT), check=True)
        print(f"  {name}: started by this benchmark, stopped at the end", flush=True)

    def stop(self) -> None:
        for name, env in reversed(self.started):
            script = ROOT / "deploy" / "local" / f"{name}.sh"
            subprocess.run([str(script), "stop"], env=env, cwd=str(ROOT), check=False)
        self.started.clear()

    def __enter__(self) -> Infra:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


async def ready_partitions(bootstrap: str, topics: list[str],
                           timeout_s: float = 30.0) -> list[tuple[str, int]]:
    """Create the topics if missing (as the services would) and wait until every partition
    has a leader; return the (topic, partition) pairs."""
    from aiokafka.admin import AIOKafkaAdminClient

    from shared.events.kafka import KafkaBus

    # On a fresh broker the new topics and __consumer_offsets take a moment to get leaders:
    # aiokafka logs its retries meanwhile. Expected here, and only noise.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    await KafkaBus(bootstrap, client_id="halo-bench-admin").ensure_topics(topics)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="halo-bench-admin")
    await admin.start()
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            infos = await admin.describe_topics(topics)
            if all(i.get("error_code") == 0 and i.get("partitions")
                   and all(p.get("leader", -1) >= 0 for p in i["partitions"]) for i in infos):
                return sorted((i["topic"], p["partition"]) for i in infos
                              for p in i["partitions"])
            if time.monotonic() > deadline:
                raise RuntimeError(f"topics without leaders: {infos}")
            await asyncio.sleep(0.2)
    finally:
        await admin.close()


async def start_group_at_end(bootstrap: str, group: str, topics: list[str]) -> None:
    """Commit ``group``'s offsets at the end of every partition of ``topics`` (created if
    missing), so that a consumer joining it reads only what comes after."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    parts = await ready_partitions(bootstrap, topics)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                                enable_auto_commit=False, client_id="halo-bench-group")
    await consumer.start()
    try:
        tps = [TopicPartition(t, p) for t, p in parts]
        consumer.assign(tps)
        await consumer.seek_to_end(*tps)
        await consumer.commit({tp: await consumer.position(tp) for tp in tps})
    finally:
        await consumer.stop()
