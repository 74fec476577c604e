"""Settings of the permit registry that are the regency's own choice, not the law's.

``HALO_PERIZINAN_REMINDER_DAYS`` (default ``90,30,7``): how many days before a permit lapses
its holder is reminded; the regency (DPMPTSP) chose three reminders so a renewal (the SOP
takes a few office days) can be filed in time. ``HALO_PERIZINAN_SWEEP_S`` (default 3600):
how often the expiry loop looks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_REMINDER_DAYS = (90, 30, 7)


@dataclass(frozen=True)
class RegistrySettings:
    reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS
    sweep_interval_s: float = 3600.0

    @classmethod
    def from_env(cls) -> RegistrySettings:
        raw = os.environ.get("HALO_PERIZINAN_REMINDER_DAYS", "")
        days = tuple(sorted({int(p) for p in raw.split(",") if p.strip()}, reverse=True))
        if any(d <= 0 or d > 366 for d in days):
            raise ValueError("HALO_PERIZINAN_REMINDER_DAYS: hari 1-366, dipisah koma")
        interval = float(os.environ.get("HALO_PERIZINAN_SWEEP_S", "3600"))
        return cls(reminder_days=days or DEFAULT_REMINDER_DAYS, sweep_interval_s=interval)
