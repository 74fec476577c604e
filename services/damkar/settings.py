"""Settings of the emergency reports that are the regency's own choice, not the law's.

``HALO_DAMKAR_REPORT_RATE_NUMBER`` (``5/3600``): reports per number per window;
``HALO_DAMKAR_REPORT_RATE_ADDRESS`` (``20/3600``): reports per client address per window
(a shared address, a village office or a mobile carrier's NAT, reports more). Beyond them a
report is refused with 429 and ``Retry-After`` (and the message names 112). The counts are rows
of the service's database, so they hold across processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.settings import RateLimit, env_limit


@dataclass(frozen=True)
class ReportSettings:
    per_number: RateLimit = field(default_factory=lambda: RateLimit(5, 3600.0))
    per_address: RateLimit = field(default_factory=lambda: RateLimit(20, 3600.0))

    @classmethod
    def from_env(cls) -> ReportSettings:
        return cls(per_number=env_limit("HALO_DAMKAR_REPORT_RATE_NUMBER",
                                        RateLimit(5, 3600.0)),
                   per_address=env_limit("HALO_DAMKAR_REPORT_RATE_ADDRESS",
                                         RateLimit(20, 3600.0)))
