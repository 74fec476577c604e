"""Migrations of one department service's database: the platform tables, then the tables of
the department's own domain (``services/<name>/migrations``, version table
``alembic_version_<name>``) when it has them.

``python -m services.migrate <service> upgrade [database-url]`` (default:
``HALO_<SERVICE>_DATABASE_URL``), ``... downgrade [database-url]`` (the department's tables to
``base``, then the platform's). The distributed mode and the Kubernetes migrate Jobs run it as a
step of their own and start the service with ``HALO_RUN_MIGRATIONS=0``; all-in-one migrates at
start instead.
"""

from __future__ import annotations

import importlib
import os
import sys

from shared.db import migrate
from shared.web.app import ServiceSpec, department_migrations

SERVICES = ("dukcapil", "perizinan", "pengaduan", "damkar", "pajak", "kepegawaian", "umum")


def spec_of(service: str) -> ServiceSpec:
    spec: ServiceSpec = importlib.import_module(f"services.{service}.app").SPEC
    return spec


def upgrade_all(service: str, url: str) -> list[str]:
    """Upgrade the platform tables and the department's own to their heads; the parts done."""
    migrate.upgrade(url)
    done = ["platform"]
    department = department_migrations(spec_of(service))
    if department is not None:
        migrate.upgrade(url, "head", *department)
        done.append(service)
    return done


def downgrade_all(service: str, url: str) -> list[str]:
    """Every table of the service's database back to ``base``: the department's first."""
    done = []
    department = department_migrations(spec_of(service))
    if department is not None:
        migrate.downgrade(url, "base", *department)
        done.append(service)
    migrate.downgrade(url, "base")
    return [*done, "platform"]


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in SERVICES or argv[1] not in ("upgrade", "downgrade"):
        print("usage: python -m services.migrate <service> upgrade|downgrade [database-url]")
        return 2
    service, op = argv[0], argv[1]
    url = argv[2] if len(argv) > 2 else os.environ.get(f"HALO_{service.upper()}_DATABASE_URL", "")
    if not url:
        print(f"no database: give a URL or set HALO_{service.upper()}_DATABASE_URL")
        return 2
    parts = (upgrade_all if op == "upgrade" else downgrade_all)(service, url)
    print(f"{service}: {op}d", ", ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
