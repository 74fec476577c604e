"""Platform tables: SOP versions, cases, history, documents, outbox, processed events, audit.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "sop_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("agency", sa.String(60), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("definition", sa.JSON, nullable=False),
        sa.Column("origin", sa.String(10), nullable=False),
        sa.Column("published_by", sa.String(64), nullable=False),
        _ts("published_at", nullable=False),
        sa.UniqueConstraint("key", "version", name="uq_sop_versions_key_version"),
    )
    op.create_index("ix_sop_versions_key", "sop_versions", ["key"])
    op.create_table(
        "cases",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tracking_no", sa.String(20), nullable=False, unique=True),
        sa.Column("sop_key", sa.String(120), nullable=False),
        sa.Column("sop_version", sa.Integer, nullable=False),
        sa.Column("agency", sa.String(60), nullable=False),
        sa.Column("applicant_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("step_id", sa.String(80)),
        sa.Column("step_role", sa.String(60)),
        sa.Column("step_agency", sa.String(60)),
        _ts("step_entered_at"),
        _ts("step_due_at"),
        sa.Column("resume_step_id", sa.String(80)),
        sa.Column("paused_remaining_s", sa.Integer),
        _ts("applicant_due_at"),
        _ts("overdue_at"),
        _ts("closed_at"),
        sa.Column("outcome_reason", sa.Text),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("form", sa.JSON, nullable=False),
        _ts("created_at", nullable=False),
        _ts("updated_at", nullable=False),
    )
    op.create_index("ix_cases_sop_key", "cases", ["sop_key"])
    op.create_index("ix_cases_applicant_id", "cases", ["applicant_id"])
    op.create_index("ix_cases_created_at", "cases", ["created_at"])
    op.create_index("ix_cases_inbox", "cases", ["status", "step_agency", "step_role"])
    op.create_index("ix_cases_open_due", "cases", ["step_due_at"],
                    postgresql_where=sa.text("status = 'open' AND overdue_at IS NULL"),
                    sqlite_where=sa.text("status = 'open' AND overdue_at IS NULL"))
    op.create_index("ix_cases_returned_due", "cases", ["applicant_due_at"],
                    postgresql_where=sa.text("status = 'returned'"),
                    sqlite_where=sa.text("status = 'returned'"))
    op.create_table(
        "case_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        _ts("at", nullable=False),
        sa.Column("sop_version", sa.Integer, nullable=False),
        sa.Column("step_id", sa.String(80)),
        sa.Column("action", sa.String(60)),
        sa.Column("next_step_id", sa.String(80)),
        sa.Column("actor_id", sa.String(64), nullable=False),
        sa.Column("actor_role", sa.String(60), nullable=False),
        sa.Column("actor_agency", sa.String(60)),
        sa.Column("status", sa.String(12), nullable=False),
        _ts("due_at"),
        sa.Column("comment", sa.Text),
        sa.Column("documents", sa.JSON, nullable=False),
        sa.UniqueConstraint("case_id", "seq", name="uq_case_history_case_seq"),
    )
    op.create_index("ix_case_history_case_id", "case_history", ["case_id"])
    op.create_table(
        "case_documents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_path", sa.String(300), nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        _ts("uploaded_at", nullable=False),
    )
    op.create_index("ix_case_documents_case_id", "case_documents", ["case_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("topic", sa.String(120), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        _ts("created_at", nullable=False),
        _ts("sent_at"),
        sa.Column("attempts", sa.Integer, nullable=False),
    )
    op.create_index("ix_outbox_unsent", "outbox", ["id"],
                    postgresql_where=sa.text("sent_at IS NULL"),
                    sqlite_where=sa.text("sent_at IS NULL"))
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.String(80), primary_key=True),
        sa.Column("event_id", sa.String(36), primary_key=True),
        _ts("processed_at", nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _ts("at", nullable=False),
        sa.Column("actor_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    for table in ("audit_log", "processed_events", "outbox", "case_documents", "case_history",
                  "cases", "sop_versions"):
        op.drop_table(table)
