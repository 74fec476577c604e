"""Migrate the gateway's database: every part's tables, each part with its own version table.

``python -m gateway.migrate upgrade [url]`` (default: ``HALO_GATEWAY_DATABASE_URL``). The
distributed deployments run it as a step of its own (the Kubernetes Job ``gateway-migrate-1``)
and start the gateway with ``HALO_RUN_MIGRATIONS=0``; all-in-one migrates at start instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

from gateway.app import load_parts
from gateway.runtime import GatewayPart
from gateway.settings import GatewaySettings
from shared.db import migrate


def upgrade_all(url: str, parts: list[GatewayPart] | None = None) -> list[str]:
    """Upgrade every part that has migrations to its head; returns the parts migrated."""
    done: list[str] = []
    for part in parts if parts is not None else load_parts():
        if part.migrations:
            folder, table = part.migrations
            migrate.upgrade(url, "head", Path(folder), table)
            done.append(part.name)
    return done


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "upgrade" or len(argv) > 2:
        print("usage: python -m gateway.migrate upgrade [database-url]")
        return 2
    url = argv[1] if len(argv) == 2 else GatewaySettings.from_env().database_url
    print("migrated:", ", ".join(upgrade_all(url)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
