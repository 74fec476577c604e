"""Identity metrics (names pass ``promtool check metrics``)."""

from __future__ import annotations

from prometheus_client import Counter

LOGINS = Counter("halo_identity_logins_total",
                 "Login attempts by outcome (success, failed, slowed, locked, disabled).",
                 ["outcome"])
RATE_LIMITED = Counter("halo_identity_rate_limited_total",
                       "Requests refused by the per-client rate limit.", ["route"])
REFRESH_REUSE = Counter("halo_identity_refresh_reuse_total",
                        "Spent refresh tokens presented again (their family was revoked).")
