"""Settings of the identity part, read from the environment (``HALO_IDENTITY_*``) at start.

Lockout (per account; per keyed hash of the identifier when it names no account, so both look
alike) and rate limits (per client IP and route) are separate guards: the first stops guessing
one account's password from many addresses, the second stops one address hammering many
accounts or the registration form. See docs/identity.md.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from shared.settings import (
    RateLimit,
    SettingsError,
    env,
    env_int,
    env_limit,
    parse_limit,
    secret_bytes,
)

__all__ = ["Argon2Params", "IPNetwork", "IdentitySettings", "LoginPolicy", "RateLimit",
           "parse_limit", "parse_networks"]

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
DEFAULT_LOOKUP_RATE = RateLimit(30, 600.0)
DEFAULT_TRUSTED_LOGIN_RATE = RateLimit(300, 60.0)
TRUSTED_NETWORKS_ENV = "HALO_LOGIN_TRUSTED_NETWORKS"


def parse_networks(raw: str | None, name: str = TRUSTED_NETWORKS_ENV) -> tuple[IPNetwork, ...]:
    """A comma list of IP addresses or networks (CIDR); a bad item stops the start."""
    networks = []
    for item in (part.strip() for part in (raw or "").split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise SettingsError(f"{name}: '{item}' bukan alamat IP atau jaringan (CIDR); "
                                "isi daftar dipisah koma, mis. 10.20.0.0/16") from None
    return tuple(networks)


@dataclass(frozen=True)
class LoginPolicy:
    """Failed logins of one account: from the ``slow_after``-th failure in a row the account
    refuses further attempts for ``base_delay_s * 2**(n - slow_after)`` seconds (5 s, 10 s,
    ...); the ``lock_after``-th failure locks it for ``lock_s``. Failures older than
    ``failure_window_s`` are forgotten; a served lock starts a clean count."""

    slow_after: int = 3
    base_delay_s: int = 5
    lock_after: int = 5
    lock_s: int = 15 * 60
    failure_window_s: int = 15 * 60

    def delay_s(self, failures: int) -> int:
        """The refusal window after ``failures`` failures in a row (0: none)."""
        if failures >= self.lock_after:
            return self.lock_s
        if failures >= self.slow_after:
            return self.base_delay_s * 2 ** (failures - self.slow_after)
        return 0


def _default_limits() -> dict[str, RateLimit]:
    return {"register": RateLimit(10, 60.0), "login": RateLimit(20, 60.0),
            "refresh": RateLimit(60, 60.0)}


@dataclass(frozen=True)
class Argon2Params:
    """Argon2id cost; the defaults are argon2-cffi's RFC 9106 "low memory" profile."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4


@dataclass(frozen=True)
class IdentitySettings:
    nik_hash_key: bytes
    """HMAC-SHA256 key of the NIK lookup hash (``HALO_NIK_HASH_KEY``)."""
    pii_key: bytes
    """AES-GCM key of the NIK ciphertext (``HALO_PII_KEY``)."""
    login: LoginPolicy = field(default_factory=LoginPolicy)
    rate_limits: dict[str, RateLimit] = field(default_factory=_default_limits)
    argon2: Argon2Params = field(default_factory=Argon2Params)
    lookup_rate: RateLimit = DEFAULT_LOOKUP_RATE
    """Counter look-ups of citizen accounts per officer account (``HALO_LOOKUP_RATE``,
    ``<count>/<seconds>``, default ``30/600``), counted in ``identity_audit``."""
    trusted_networks: tuple[IPNetwork, ...] = ()
    """Known office networks (``HALO_LOGIN_TRUSTED_NETWORKS``, CIDRs): their addresses get
    ``trusted_login_rate`` instead of the per-address login limit."""
    trusted_login_rate: RateLimit = DEFAULT_TRUSTED_LOGIN_RATE
    """Logins per address inside a trusted network (``HALO_LOGIN_TRUSTED_RATE``,
    default ``300/60``). The per-account lockout applies to them as to everyone."""

    @classmethod
    def from_env(cls) -> IdentitySettings:
        limits = _default_limits()
        for name in limits:
            raw = env(f"HALO_IDENTITY_RATE_{name.upper()}")
            if raw:
                limits[name] = parse_limit(raw, f"HALO_IDENTITY_RATE_{name.upper()}")
        policy = LoginPolicy(
            slow_after=env_int("HALO_IDENTITY_SLOW_AFTER", 3),
            base_delay_s=env_int("HALO_IDENTITY_BASE_DELAY_S", 5),
            lock_after=env_int("HALO_IDENTITY_LOCK_AFTER", 5),
            lock_s=env_int("HALO_IDENTITY_LOCK_S", 900),
            failure_window_s=env_int("HALO_IDENTITY_FAILURE_WINDOW_S", 900))
        return cls(nik_hash_key=secret_bytes("NIK_HASH_KEY"), pii_key=secret_bytes("PII_KEY"),
                   login=policy, rate_limits=limits,
                   argon2=Argon2Params(time_cost=env_int("HALO_ARGON2_TIME_COST", 3),
                                       memory_kib=env_int("HALO_ARGON2_MEMORY_KIB", 65536),
                                       parallelism=env_int("HALO_ARGON2_PARALLELISM", 4)),
                   lookup_rate=env_limit("HALO_LOOKUP_RATE", DEFAULT_LOOKUP_RATE),
                   trusted_networks=parse_networks(env(TRUSTED_NETWORKS_ENV)),
                   trusted_login_rate=env_limit("HALO_LOGIN_TRUSTED_RATE",
                                                DEFAULT_TRUSTED_LOGIN_RATE))

