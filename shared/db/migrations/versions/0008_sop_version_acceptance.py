"""SOP versions awaiting acceptance: a version published through the API that gives steps to
another agency is stored ``pending`` until the admin of every such agency accepts it
(``awaiting``: the agencies still to accept; ``accepted``: those that did). Existing rows
and shipped files are ``active``.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sop_versions") as batch:
        batch.add_column(sa.Column("status", sa.String(length=10), nullable=False,
                                   server_default="active"))
        batch.add_column(sa.Column("awaiting", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("accepted", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("sop_versions") as batch:
        batch.drop_column("accepted")
        batch.drop_column("awaiting")
        batch.drop_column("status")
