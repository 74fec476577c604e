"""Alembic environment of the gateway's tracking tables (see shared.db.alembic_env)."""

from shared.db.alembic_env import run

run()
