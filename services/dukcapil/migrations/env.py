"""Alembic environment of the dukcapil tables (see shared.db.alembic_env)."""

from shared.db.alembic_env import run

run()
