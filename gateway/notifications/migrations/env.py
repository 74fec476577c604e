"""Alembic environment of the gateway's notification tables (see shared.db.alembic_env)."""

from shared.db.alembic_env import run

run()
