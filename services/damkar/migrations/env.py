"""Alembic environment of the damkar emergency reports (see shared.db.alembic_env)."""

from shared.db.alembic_env import run

run()
