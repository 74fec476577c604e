"""Settings of the Open311 GeoReport v2 facade that are the regency's own choice.

``HALO_PENGADUAN_OPEN311_JURISDICTION`` (default ``lampungselatan.go.id``): the one
``jurisdiction_id`` the facade answers for; another is refused with 404 as the spec says.
``HALO_PENGADUAN_OPEN311_ADMIN_AGENCY`` (default ``diskominfo``): the agency whose admins
manage every API key (Diskominfo administers the regency's complaint channels); an agency's
own admin manages the keys bound to that agency. The 90-day window and the 1000-result cap
of ``GET requests`` are the spec's (GeoReport v2, "GET Service Requests"), not settings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_JURISDICTION = "lampungselatan.go.id"
DEFAULT_ADMIN_AGENCY = "diskominfo"
WINDOW_DAYS = 90
"""GeoReport v2: a start/end range "may not span more than 90 days"; the default range is
"the most recent 90 days"."""
MAX_RESULTS = 1000
"""GeoReport v2: at most 1000 requests per answer."""


@dataclass(frozen=True)
class Open311Settings:
    jurisdiction: str = DEFAULT_JURISDICTION
    admin_agency: str = DEFAULT_ADMIN_AGENCY

    @classmethod
    def from_env(cls) -> Open311Settings:
        return cls(
            jurisdiction=os.environ.get("HALO_PENGADUAN_OPEN311_JURISDICTION",
                                        DEFAULT_JURISDICTION).strip() or DEFAULT_JURISDICTION,
            admin_agency=os.environ.get("HALO_PENGADUAN_OPEN311_ADMIN_AGENCY",
                                        DEFAULT_ADMIN_AGENCY).strip() or DEFAULT_ADMIN_AGENCY)
