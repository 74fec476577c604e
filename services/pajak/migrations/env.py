"""Alembic environment of the pajak tables (see shared.db.alembic_env)."""

from shared.db.alembic_env import run

run()
