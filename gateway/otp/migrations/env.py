"""Alembic environment of the one-time code tables (see shared.db.alembic_env)."""

from shared.db.alembic_env import run

run()
