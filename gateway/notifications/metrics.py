"""Notification metrics (names pass ``promtool check metrics``)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

QUEUED = Counter("halo_notifications_queued_total",
                 "Notifications written for an event, by channel.", ["channel"])
SENT = Counter("halo_notifications_sent_total",
               "Delivery attempts by channel and outcome (sent, retry, dead).",
               ["channel", "outcome"])
DEAD_LETTERED = Counter("halo_notifications_dead_lettered_total",
                        "Notifications given up and published to the dead-letter topic.",
                        ["channel"])
PENDING = Gauge("halo_notifications_pending", "Notifications waiting to be sent.",
                ["channel"])
SEND_SECONDS = Histogram("halo_notifications_send_duration_seconds",
                         "Time one delivery attempt took.", ["channel"],
                         buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
