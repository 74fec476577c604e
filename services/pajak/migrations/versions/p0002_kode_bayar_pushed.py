"""pajak: when a payment code was registered with the bank.

Revision ID: p0002_kode_bayar_pushed
Revises: p0001_pajak
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "p0002_kode_bayar_pushed"
down_revision = "p0001_pajak"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pajak_kode_bayar") as batch:
        batch.add_column(sa.Column("pushed_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pajak_kode_bayar") as batch:
        batch.drop_column("pushed_at")
