"""case_history is append-only in the database: triggers refuse UPDATE and DELETE.

PostgreSQL: one trigger function raising ``restrict_violation`` (SQLSTATE 23001, an
integrity error for drivers and SQLAlchemy), called by row-level BEFORE UPDATE and BEFORE
DELETE triggers and by a statement-level BEFORE TRUNCATE trigger (TRUNCATE fires no row
triggers: it would otherwise empty the history unchecked). SQLite: BEFORE UPDATE and BEFORE
DELETE triggers with ``RAISE(ABORT, ...)`` (SQLITE_CONSTRAINT_TRIGGER, also an integrity
error). INSERT is untouched. ``DROP TABLE`` is not refused (SQLite's implicit delete of a
dropped table fires no triggers), so the downgrade of 0001 still works.

On SQLite a later batch migration that rebuilds ``case_history`` (copy into a new table,
drop, rename) drops these triggers with the old table: such a migration must create them
again.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FUNCTION = "case_history_append_only"
TRIGGERS = {"UPDATE": "case_history_no_update", "DELETE": "case_history_no_delete"}
TRUNCATE_TRIGGER = "case_history_no_truncate"
MESSAGE = "case_history is append-only"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
                RAISE EXCEPTION USING
                    MESSAGE = '{MESSAGE}, ' || TG_OP || ' refused',
                    ERRCODE = 'restrict_violation';
            END
            $body$""")
        for operation, name in TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} BEFORE {operation} ON case_history "
                       f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()")
        op.execute(f"CREATE TRIGGER {TRUNCATE_TRIGGER} BEFORE TRUNCATE ON case_history "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()")
        return
    for operation, name in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} BEFORE {operation} ON case_history "
                   f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}, {operation} refused'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in [*TRIGGERS.values(), TRUNCATE_TRIGGER]:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON case_history")
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
        return
    for name in TRIGGERS.values():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
