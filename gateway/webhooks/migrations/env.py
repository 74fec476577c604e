"""Alembic environment of the gateway's webhook tables (see shared.db.alembic_env)."""

from shared.db.alembic_env import run

run()
