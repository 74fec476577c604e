"""The department rows of an output document (``shared.outputs.rows``), stored with it when
it is issued so the PDF and the verification page show the same figures later.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_outputs") as batch:
        batch.add_column(sa.Column("detail_rows", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_outputs") as batch:
        batch.drop_column("detail_rows")
