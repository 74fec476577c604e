"""cases: return reason and requested items, escalation levels, due-soon and auto-complete times (owner: case follow-up work).

Revision ID: 0004
Revises: 0003
"""

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
