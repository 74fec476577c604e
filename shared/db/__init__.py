"""Persistence: tables, async engines and sessions, and Alembic migrations.

Each service has its own database (PostgreSQL in production, a SQLite file in all-in-one),
holding the same platform tables: SOP versions, cases, their append-only history, documents,
the outbox, processed events (for idempotent consumers) and the audit log.
"""
