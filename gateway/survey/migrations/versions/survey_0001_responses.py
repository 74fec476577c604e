"""Survei Kepuasan Masyarakat: one answer sheet per closed case.

Revision ID: survey_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "survey_0001"
down_revision = None
branch_labels = None
depends_on = None

ELEMENTS = tuple(f"u{i}" for i in range(1, 10))


def upgrade() -> None:
    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("tracking_no", sa.String(20), nullable=False),
        sa.Column("service", sa.String(40), nullable=False),
        sa.Column("agency", sa.String(60), nullable=False),
        sa.Column("sop_key", sa.String(120), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
        *(sa.Column(k, sa.SmallInteger, nullable=False) for k in ELEMENTS),
        sa.Column("comment", sa.Text),
        sa.UniqueConstraint("case_id", name="uq_survey_responses_case_id"),
        sa.UniqueConstraint("tracking_no", name="uq_survey_responses_tracking_no"),
        *(sa.CheckConstraint(f"{k} BETWEEN 1 AND 4", name=f"ck_survey_responses_{k}")
          for k in ELEMENTS),
    )
    op.create_index("ix_survey_responses_agency", "survey_responses", ["agency", "answered_at"])
    op.create_index("ix_survey_responses_sop", "survey_responses",
                    ["agency", "sop_key", "answered_at"])


def downgrade() -> None:
    op.drop_index("ix_survey_responses_sop", "survey_responses")
    op.drop_index("ix_survey_responses_agency", "survey_responses")
    op.drop_table("survey_responses")
