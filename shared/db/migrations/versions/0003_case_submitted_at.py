"""cases.submitted_at: when the applicant last handed the case to the agency (opening or
resubmission), the moment a step with ``time_from: submitted`` counts its standard time
from (e.g. Damkar's arrival within 15 minutes of the report).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("submitted_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("submitted_at")
