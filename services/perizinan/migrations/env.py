"""Alembic environment of the perizinan permit registry (see shared.db.alembic_env)."""

from shared.db.alembic_env import run

run()
