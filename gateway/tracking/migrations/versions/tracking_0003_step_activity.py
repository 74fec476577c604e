"""Tracking: the current step's number and activity on tracked cases, so an inbox item says
what the holder does there (from the envelope's ``current``; cases projected before stay
empty until their next event).

Revision ID: tracking_0003
Revises: tracking_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "tracking_0003"
down_revision = "tracking_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tracked_cases") as batch:
        batch.add_column(sa.Column("step_nomor", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("step_activity", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tracked_cases") as batch:
        batch.drop_column("step_activity")
        batch.drop_column("step_nomor")
