"""Choosing the event bus from settings: ``kafka`` (distributed) or ``memory`` (a process on
its own with in-process events, e.g. a quick local run)."""

from __future__ import annotations

from shared.events.bus import EventBus
from shared.events.kafka import KafkaBus
from shared.events.kafka_settings import KafkaSettings
from shared.events.memory import InProcessBus


def bus_from_settings(kind: str, bootstrap: str, client_id: str,
                      kafka: KafkaSettings | None = None) -> EventBus:
    """``kafka`` takes its topic and security settings from ``HALO_KAFKA_*`` unless given."""
    if kind == "kafka":
        return KafkaBus(bootstrap, client_id=client_id,
                        settings=kafka or KafkaSettings.from_env())
    if kind == "memory":
        return InProcessBus(auto_create=True)
    raise ValueError(f"HALO_BUS harus 'kafka' atau 'memory', bukan '{kind}'")
