"""Alembic environment of the pengaduan service's tables (see shared.db.alembic_env)."""

from shared.db.alembic_env import run

run()
