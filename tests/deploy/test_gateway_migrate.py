"""``python -m gateway.migrate upgrade``: the step the Kubernetes Job and compose run before
the gateway starts with ``HALO_RUN_MIGRATIONS=0``. It brings every part's tables to head,
each part under its own version table, and a second run changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from gateway import migrate
from gateway.app import load_parts


def _tables(db: Path) -> set[str]:
    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_migrates_every_gateway_part(tmp_path: Path) -> None:
    db = tmp_path / "gateway.db"
    url = f"sqlite+aiosqlite:///{db}"
    assert not db.exists()
    done = migrate.upgrade_all(url)
    with_migrations = [p for p in load_parts() if p.migrations]
    assert done == [p.name for p in with_migrations]
    assert {"identity", "tracking"} <= set(done)
    tables = _tables(db)
    for part in with_migrations:
        assert part.migrations is not None
        assert part.migrations[1] in tables, part.name
    assert len(tables) > len(with_migrations)  # the parts' own tables, not only versions
    migrate.upgrade_all(url)  # idempotent
    assert _tables(db) == tables


def test_main_reads_the_gateway_database_url(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "from-env.db"
    monkeypatch.setenv("HALO_GATEWAY_DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    assert migrate.main(["upgrade"]) == 0
    assert "alembic_version_identity" in _tables(db)


def test_main_refuses_an_unknown_command() -> None:
    assert migrate.main([]) == 2
    assert migrate.main(["downgrade"]) == 2
