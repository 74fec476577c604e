"""The survey part: its routes and its table (its own migrations, version table
``alembic_version_survey``). It reads the tracking part's ``tracked_cases`` (same gateway
database) for who owns a case, whether it closed, and the population of a report; so it needs
the tracking part, and no consumer of its own."""

from __future__ import annotations

from pathlib import Path

from gateway.runtime import GatewayPart
from gateway.survey import messages  # noqa: F401  (registers the part's problem codes)
from gateway.survey.routes import router

MIGRATIONS = (str(Path(__file__).with_name("migrations")), "alembic_version_survey")

PART = GatewayPart(name="survey", router=router, migrations=MIGRATIONS)
