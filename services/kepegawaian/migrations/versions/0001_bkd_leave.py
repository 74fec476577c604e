"""BKD leave tables: employees, the leave ledger, leave requests, ledger adjustments.

Revision ID: 0001_bkd_leave
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "0001_bkd_leave"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def _nip(fk: bool = True) -> sa.Column:
    if not fk:
        return sa.Column("nip", sa.String(18), primary_key=True)
    return sa.Column("nip", sa.String(18), sa.ForeignKey("bkd_employees.nip"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "bkd_employees",
        _nip(fk=False),
        sa.Column("account_id", sa.String(64)),
        sa.Column("name_sealed", sa.Text, nullable=False),
        sa.Column("jabatan", sa.String(200), nullable=False),
        sa.Column("position", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("service_start", sa.Date, nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.UniqueConstraint("account_id", name="uq_bkd_employees_account_id"),
    )
    op.create_table(
        "bkd_leave_ledger",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _nip(),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        *(sa.Column(name, sa.Integer, nullable=False)
          for name in ("entitlement", "carried", "adjusted", "taken", "pending")),
        sa.UniqueConstraint("nip", "year", "kind", name="uq_bkd_leave_ledger"),
    )
    op.create_index("ix_bkd_leave_ledger_nip", "bkd_leave_ledger", ["nip"])
    op.create_table(
        "bkd_leave_requests",
        sa.Column("case_id", sa.String(36), primary_key=True),
        _nip(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("end", sa.Date, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("working_days", sa.Integer, nullable=False),
        sa.Column("abroad", sa.Boolean, nullable=False),
        sa.Column("signer", sa.String(20), nullable=False),
        sa.Column("signer_assumed", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("siasn", sa.String(10), nullable=False),
        sa.Column("siasn_ref", sa.String(64)),
        _ts("created_at"),
        _ts("closed_at", nullable=True),
    )
    op.create_index("ix_bkd_leave_requests_nip", "bkd_leave_requests", ["nip"])
    op.create_index("ix_bkd_leave_requests_status", "bkd_leave_requests", ["status"])
    op.create_index("ix_bkd_leave_requests_siasn", "bkd_leave_requests", ["siasn"])
    op.create_table(
        "bkd_ledger_adjustments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _nip(),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("field", sa.String(12), nullable=False),
        sa.Column("delta", sa.Integer, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("actor_id", sa.String(64), nullable=False),
        _ts("at"),
    )
    op.create_index("ix_bkd_ledger_adjustments_nip", "bkd_ledger_adjustments", ["nip"])


def downgrade() -> None:
    op.drop_index("ix_bkd_ledger_adjustments_nip", "bkd_ledger_adjustments")
    op.drop_table("bkd_ledger_adjustments")
    for name in ("siasn", "status", "nip"):
        op.drop_index(f"ix_bkd_leave_requests_{name}", "bkd_leave_requests")
    op.drop_table("bkd_leave_requests")
    op.drop_index("ix_bkd_leave_ledger_nip", "bkd_leave_ledger")
    op.drop_table("bkd_leave_ledger")
    op.drop_table("bkd_employees")
