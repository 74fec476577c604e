"""Gateway settings, read from the environment (``HALO_*``) in the lifespan."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from shared.auth.tokens import TokenSettings
from shared.db.session import DEFAULT_POOL_SIZE
from shared.settings import (
    clock_offset,
    db_pool_size,
    env,
    is_production,
    token_settings,
    var_dir,
)

SERVICES = ("dukcapil", "perizinan", "pengaduan", "damkar", "pajak", "kepegawaian", "umum")
DEV_ORIGINS = ("http://127.0.0.1:5173", "http://localhost:5173")
"""The web app's development server (``npm run dev``): allowed by default in all-in-one."""
DEFAULT_PORTS = {"gateway": 8000, "dukcapil": 8101, "perizinan": 8102, "pengaduan": 8103,
                 "damkar": 8104, "pajak": 8105, "kepegawaian": 8106, "umum": 8107}


@dataclass(frozen=True)
class GatewaySettings:
    database_url: str
    service_urls: dict[str, str]
    """Base URL of each service (distributed) — in all-in-one the transports are in-process."""
    key_dir: Path
    tokens: TokenSettings = field(default_factory=TokenSettings)
    bus: str = "memory"
    kafka_bootstrap: str = "127.0.0.1:19092"
    connect_timeout_s: float = 2.0
    read_timeout_s: float = 15.0
    refresh_ttl_s: int = 30 * 24 * 3600
    run_migrations: bool = True
    workers: bool = True
    tracking_group: str = "gateway-tracking"
    """Kafka consumer group of the tracking read model: the gateway replicas of one
    environment share it; separate environments on one broker need their own."""
    cors_origins: tuple[str, ...] = ()
    """Browser origins allowed to call the API from another origin (``HALO_CORS_ORIGINS``,
    comma-separated); none unless set. All-in-one adds the web dev server and itself."""
    clock_offset: timedelta = timedelta(0)
    """Added to the gateway's clock (``HALO_CLOCK_OFFSET``; development and tests only)."""
    db_pool_size: int = DEFAULT_POOL_SIZE
    """PostgreSQL connections kept and opened at most (``HALO_DB_POOL_SIZE``)."""

    @classmethod
    def from_env(cls) -> GatewaySettings:
        url = env("HALO_GATEWAY_DATABASE_URL")
        if not url:
            if is_production():
                raise RuntimeError("HALO_GATEWAY_DATABASE_URL wajib diisi di produksi")
            url = f"sqlite+aiosqlite:///{var_dir() / 'gateway.db'}"
        urls = {s: env(f"HALO_{s.upper()}_URL") or f"http://127.0.0.1:{DEFAULT_PORTS[s]}"
                for s in SERVICES}
        return cls(database_url=url, service_urls=urls,
                   key_dir=Path(env("HALO_KEY_DIR") or var_dir() / "keys"),
                   tokens=token_settings(), bus=env("HALO_BUS", "memory") or "memory",
                   kafka_bootstrap=env("HALO_KAFKA_BOOTSTRAP", "127.0.0.1:19092") or "",
                   connect_timeout_s=float(env("HALO_CONNECT_TIMEOUT_S", "2") or 2),
                   read_timeout_s=float(env("HALO_READ_TIMEOUT_S", "15") or 15),
                   run_migrations=env("HALO_RUN_MIGRATIONS", "1") == "1",
                   workers=env("HALO_WORKERS", "1") == "1",
                   tracking_group=env("HALO_TRACKING_GROUP") or "gateway-tracking",
                   cors_origins=cors_origins(), clock_offset=clock_offset(),
                   db_pool_size=db_pool_size())


def cors_origins(default: tuple[str, ...] = ()) -> tuple[str, ...]:
    """``HALO_CORS_ORIGINS`` (comma-separated origins, no trailing slash), else ``default``."""
    given = env("HALO_CORS_ORIGINS")
    if given is None:
        return default
    return tuple(o.strip().rstrip("/") for o in given.split(",") if o.strip())
