"""Alembic environment of the platform tables (see shared.db.alembic_env)."""

from shared.db.alembic_env import run

run()
