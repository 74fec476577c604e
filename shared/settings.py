"""Settings of one process, read from the environment (``HALO_*``) once in its lifespan.

Each process takes only what it needs: :class:`ServiceSettings` for a department service.
In ``HALO_ENV=production`` missing secrets are refused instead of falling back to
development defaults.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from shared.auth.tokens import TokenSettings
from shared.calendar.config import CalendarConfigError, parse_dates, parse_office_hours
from shared.calendar.office_hours import DEFAULT_OFFICE_HOURS, OfficeHours
from shared.calendar.standard_time import StandardTimeError, parse_standard_time
from shared.db.session import DEFAULT_POOL_SIZE

REPO_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(RuntimeError):
    pass


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def db_pool_size() -> int:
    """``HALO_DB_POOL_SIZE``: the connections a process keeps open to its PostgreSQL database
    and never goes beyond (every process of a deployment counts against the server's
    ``max_connections``)."""
    size = env_int("HALO_DB_POOL_SIZE", DEFAULT_POOL_SIZE)
    if size < 1:
        raise SettingsError("HALO_DB_POOL_SIZE harus paling sedikit 1")
    return size


def env_int(name: str, default: int) -> int:
    """An integer setting; a value that is not one stops the start with a clear message."""
    raw = env(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} harus bilangan bulat") from None


@dataclass(frozen=True)
class RateLimit:
    """At most ``count`` requests per ``window_s`` seconds (per client or account, as the
    user of the limit says)."""

    count: int
    window_s: float


def parse_limit(raw: str, name: str = "rate limit") -> RateLimit:
    """``"20/60"``: 20 requests per 60 seconds."""
    try:
        count, window = raw.split("/", 1)
        limit = RateLimit(int(count), float(window))
    except ValueError:
        raise SettingsError(f"{name}: format '<jumlah>/<detik>', mis. 20/60") from None
    if limit.count < 1 or limit.window_s <= 0:
        raise SettingsError(f"{name}: jumlah dan jendela waktu harus positif")
    return limit


DEFAULT_UNMASK_RATE = RateLimit(30, 600.0)
"""Reveals of personal form values per officer account: 30 per 10 minutes."""


def env_limit(name: str, default: RateLimit) -> RateLimit:
    """A rate-limit setting (``<count>/<seconds>``), or ``default`` when unset."""
    raw = env(name)
    return parse_limit(raw, name) if raw else default


def is_production() -> bool:
    return env("HALO_ENV", "development") == "production"


def var_dir() -> Path:
    return Path(env("HALO_VAR_DIR") or REPO_ROOT / "var")


def secret_bytes(name: str, size: int = 32) -> bytes:
    """A secret from ``HALO_<NAME>`` (base64); in development one is made and kept in var/."""
    value = env(f"HALO_{name}")
    if value:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        if len(raw) != size:
            raise SettingsError(f"HALO_{name} harus {size} byte (base64)")
        return raw
    if is_production():
        raise SettingsError(f"HALO_{name} wajib diisi di produksi; tidak ada nilai bawaan")
    path = var_dir() / "secrets" / name.lower()
    if path.exists():
        return base64.urlsafe_b64decode(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = secrets.token_bytes(size)
    path.write_text(base64.urlsafe_b64encode(raw).decode())
    path.chmod(0o600)
    return raw


_OFFSET_PART = re.compile(r"(\d+)([dhms])")
_OFFSET_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_clock_offset(text: str) -> timedelta:
    """A duration such as ``10d``, ``36h``, ``1d12h`` or ``90m`` (days, hours, minutes,
    seconds; forward only); empty is none."""
    value = text.strip().lower().replace(" ", "")
    if not value:
        return timedelta(0)
    parts = _OFFSET_PART.findall(value)
    if not parts or "".join(n + u for n, u in parts) != value:
        raise SettingsError(f"HALO_CLOCK_OFFSET tidak terbaca: {text!r} (contoh: 10d, 36h, "
                            "1d12h, 90m)")
    return sum((timedelta(**{_OFFSET_UNITS[u]: int(n)}) for n, u in parts), timedelta(0))


def clock_offset() -> timedelta:
    """``HALO_CLOCK_OFFSET``: added to every clock of the process, for tests and demos of
    lateness only (a case opened now reads as late once the offset passes its due time).
    Refused in ``HALO_ENV=production``: a shifted clock there would misdate every record."""
    offset = parse_clock_offset(env("HALO_CLOCK_OFFSET") or "")
    if offset and is_production():
        raise SettingsError("HALO_CLOCK_OFFSET tidak boleh dipakai di produksi (HALO_ENV="
                            "production): hanya untuk uji dan demo keterlambatan")
    return offset


def token_settings() -> TokenSettings:
    return TokenSettings(issuer=env("HALO_TOKEN_ISSUER", "halo-lamsel") or "halo-lamsel",
                         audience=env("HALO_TOKEN_AUDIENCE", "halo-lamsel-api")
                         or "halo-lamsel-api",
                         access_ttl_s=int(env("HALO_ACCESS_TTL_S", "900") or 900))


@dataclass(frozen=True)
class ServiceSettings:
    service: str
    database_url: str
    pii_key: bytes
    """AES key of the personal fields at rest: no built-in value (HALO_PII_KEY, or in
    development a key generated once under var/secrets)."""
    bus: str = "memory"
    kafka_bootstrap: str = "127.0.0.1:19092"
    jwks_url: str = "http://127.0.0.1:8000/.well-known/jwks.json"
    tokens: TokenSettings = field(default_factory=TokenSettings)
    documents_dir: Path = Path("var/documents")
    document_store: str = "folder"
    """Where documents are kept (``HALO_DOCUMENT_STORE``): ``folder`` (files under
    ``documents_dir``, all-in-one) or ``database`` (the service's own database, shared by
    every replica: distributed mode, Kubernetes). Encrypted either way."""
    run_migrations: bool = True
    sweeper_interval_s: float = 30.0
    escalation_second_after: str | None = "1 hari kerja"
    """How long an overdue step waits at the first supervisor before it escalates to the one
    above (``HALO_ESCALATION_SECOND_AFTER``; ``off`` for no second level)."""
    workers: bool = True
    """Run the outbox relay and overdue sweeper in this process."""
    office_hours: OfficeHours = DEFAULT_OFFICE_HOURS
    """Hours of the ``office`` calendar (``HALO_OFFICE_HOURS``)."""
    extra_holidays: tuple[date, ...] = ()
    """Regional days off on top of the national holidays (``HALO_EXTRA_HOLIDAYS``)."""
    clock_offset: timedelta = timedelta(0)
    """Added to the service's clock (``HALO_CLOCK_OFFSET``; development and tests only)."""
    unmask_rate: RateLimit = DEFAULT_UNMASK_RATE
    """Reveals of a case's personal form values per officer account (``HALO_UNMASK_RATE``,
    ``<count>/<seconds>``, default ``30/600``); beyond it 429 ``rate-limited``."""
    db_pool_size: int = DEFAULT_POOL_SIZE
    """PostgreSQL connections kept and opened at most (``HALO_DB_POOL_SIZE``)."""

    @classmethod
    def from_env(cls, service: str) -> ServiceSettings:
        upper = service.upper()
        url = env(f"HALO_{upper}_DATABASE_URL") or env("HALO_DATABASE_URL")
        if not url:
            if is_production():
                raise SettingsError(f"HALO_{upper}_DATABASE_URL wajib diisi di produksi")
            url = f"sqlite+aiosqlite:///{var_dir() / (service + '.db')}"
        return cls(
            service=service, database_url=url, bus=env("HALO_BUS", "memory") or "memory",
            kafka_bootstrap=env("HALO_KAFKA_BOOTSTRAP", "127.0.0.1:19092") or "",
            jwks_url=env("HALO_JWKS_URL", "http://127.0.0.1:8000/.well-known/jwks.json") or "",
            tokens=token_settings(), pii_key=secret_bytes("PII_KEY"),
            documents_dir=var_dir() / "documents" / service,
            document_store=_document_store(env("HALO_DOCUMENT_STORE")),
            run_migrations=(env("HALO_RUN_MIGRATIONS", "1") == "1"),
            sweeper_interval_s=float(env("HALO_SWEEPER_INTERVAL_S", "30") or 30),
            escalation_second_after=_second_after(env("HALO_ESCALATION_SECOND_AFTER")),
            workers=(env("HALO_WORKERS", "1") == "1"),
            clock_offset=clock_offset(),
            unmask_rate=env_limit("HALO_UNMASK_RATE", DEFAULT_UNMASK_RATE),
            db_pool_size=db_pool_size(),
            **calendar_settings(),
        )


def calendar_settings() -> dict[str, Any]:
    """``office_hours`` and ``extra_holidays`` of the ``office`` calendar
    (``HALO_OFFICE_HOURS``, ``HALO_EXTRA_HOLIDAYS``), for any process that counts on it."""
    try:
        hours = env("HALO_OFFICE_HOURS")
        return {"office_hours": parse_office_hours(hours) if hours else DEFAULT_OFFICE_HOURS,
                "extra_holidays": parse_dates(env("HALO_EXTRA_HOLIDAYS") or "")}
    except CalendarConfigError as exc:
        raise SettingsError(f"pengaturan kalender: {exc}") from exc


def _second_after(value: str | None) -> str | None:
    if value is None or not value.strip():
        return "1 hari kerja"
    if value.strip().lower() == "off":
        return None
    try:
        std = parse_standard_time(value.strip())
    except StandardTimeError as exc:
        raise SettingsError(f"HALO_ESCALATION_SECOND_AFTER: {exc}") from exc
    if std.amount <= 0:
        raise SettingsError("HALO_ESCALATION_SECOND_AFTER harus lebih dari nol")
    return value.strip()


def _document_store(value: str | None) -> str:
    choice = (value or "folder").strip().lower()
    if choice not in ("folder", "database"):
        raise SettingsError(f"HALO_DOCUMENT_STORE harus 'folder' atau 'database', bukan {value!r}")
    return choice
