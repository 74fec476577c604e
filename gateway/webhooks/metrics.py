"""Webhook metrics (names pass ``promtool check metrics``)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

QUEUED = Counter("halo_webhooks_queued_total",
                 "Webhook deliveries written for an event (or a test ping or a replay), "
                 "by how.", ["reason"])
DELIVERIES = Counter("halo_webhooks_deliveries_total",
                     "Webhook delivery attempts by outcome (delivered, retry, dead).",
                     ["outcome"])
DEAD_LETTERED = Counter("halo_webhooks_dead_lettered_total",
                        "Webhook deliveries given up after the last attempt.")
PAUSED = Counter("halo_webhooks_paused_total",
                 "Subscriptions paused because every attempt failed for a day.")
PENDING = Gauge("halo_webhooks_pending", "Webhook deliveries waiting to be sent.")
ATTEMPT_SECONDS = Histogram("halo_webhooks_attempt_duration_seconds",
                            "Time one webhook delivery attempt took.",
                            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
