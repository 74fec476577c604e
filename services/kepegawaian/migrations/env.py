"""Alembic environment of the BKD's leave tables (see shared.db.alembic_env)."""

from shared.db.alembic_env import run

run()
