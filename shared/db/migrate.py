"""Alembic migrations of the platform tables, run against one service database.

``python -m shared.db.migrate upgrade <url>`` / ``downgrade <url> <revision>``. The same
revisions run on PostgreSQL and SQLite. In all-in-one mode the process upgrades its SQLite
files at start; in the distributed mode ``make up`` runs them as a separate step first.
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

_SCRIPTS = Path(__file__).with_name("migrations")


def alembic_config(url: str, scripts: Path = _SCRIPTS, version_table: str = "alembic_version"
                   ) -> Config:
    """A config for one script folder; folders sharing a database use distinct version tables."""
    cfg = Config()
    cfg.set_main_option("script_location", str(scripts))
    cfg.set_main_option("sqlalchemy.url", url)
    cfg.set_main_option("version_table", version_table)
    cfg.attributes["configure_logger"] = False
    return cfg


def upgrade(url: str, revision: str = "head", scripts: Path = _SCRIPTS,
            version_table: str = "alembic_version") -> None:
    command.upgrade(alembic_config(url, scripts, version_table), revision)


def downgrade(url: str, revision: str, scripts: Path = _SCRIPTS,
              version_table: str = "alembic_version") -> None:
    command.downgrade(alembic_config(url, scripts, version_table), revision)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("upgrade", "downgrade"):
        print("usage: python -m shared.db.migrate upgrade|downgrade <url> [revision]")
        return 2
    op, url = argv[0], argv[1]
    revision = argv[2] if len(argv) > 2 else ("head" if op == "upgrade" else "base")
    (upgrade if op == "upgrade" else downgrade)(url, revision)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
