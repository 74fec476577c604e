"""Prometheus metrics that matter to the agencies and to ops (names pass promtool).

One module defines them all, once per process, with a ``service`` label, so the all-in-one
process and the distributed processes expose the same series.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

CASES_SUBMITTED = Counter("halo_cases_submitted_total", "Cases submitted.",
                          ["service", "sop"])
STEPS_COMPLETED = Counter("halo_steps_completed_total", "Steps completed (transitions).",
                          ["service", "sop", "event"])
STEP_DURATION_RATIO = Histogram(
    "halo_step_duration_vs_standard_ratio",
    "Time a step took divided by its standard time (1.0 = exactly the standard).",
    ["service", "sop"], buckets=(0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 4.0, 10.0))
STEPS_OVERDUE = Counter("halo_steps_overdue_total", "Steps that passed their due time.",
                        ["service", "sop", "agency"])
STEPS_ESCALATED = Counter("halo_steps_escalated_total",
                          "Overdue steps escalated to the second supervisor level.",
                          ["service", "sop", "agency"])
CASES_AUTO_COMPLETED = Counter("halo_cases_auto_completed_total",
                               "Cases closed as completed because the applicant did not "
                               "confirm receipt in time.", ["service", "sop"])
CASES_EXPIRED = Counter("halo_cases_expired_total",
                        "Returned cases closed because the applicant missed the deadline.",
                        ["service", "sop"])
OPEN_CASES = Gauge("halo_open_cases", "Open cases per current step.",
                   ["service", "sop", "step", "status"])
OVERDUE_OPEN = Gauge("halo_overdue_open_steps", "Open steps currently past their due time.",
                     ["service", "agency"])
OUTBOX_BACKLOG = Gauge("halo_outbox_backlog", "Outbox events not yet published.", ["service"])
OUTBOX_PUBLISHED = Counter("halo_outbox_published_total", "Outbox events published.",
                           ["service"])
OUTBOX_FAILURES = Counter("halo_outbox_publish_failures_total",
                          "Failed attempts to publish the outbox.", ["service"])
OUTPUTS_ISSUED = Counter("halo_outputs_issued_total", "Output documents signed and issued.",
                         ["service", "kind"])
OUTPUT_FAILURES = Counter("halo_output_failures_total",
                          "Failed attempts to render, sign or store an output document.",
                          ["service"])
OUTPUTS_PENDING = Gauge("halo_outputs_pending", "Output documents waiting to be signed.",
                        ["service"])
EVENTS_CONSUMED = Counter("halo_events_consumed_total", "Events handled by a consumer.",
                          ["consumer", "outcome"])
EVENTS_REFUSED = Counter("halo_events_refused_total",
                         "Events a consumer refused unread (dead-lettered), by reason.",
                         ["consumer", "reason"])
CONSUMER_LAG = Gauge("halo_consumer_lag", "Records not yet read by a consumer.", ["consumer"])
HTTP_REQUESTS = Counter("halo_http_requests_total", "HTTP requests served.",
                        ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram("halo_http_request_duration_seconds", "HTTP request latency.",
                         ["service", "route"],
                         buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
