"""Alembic environment of the identity tables (see shared.db.alembic_env)."""

from shared.db.alembic_env import run

run()
