"""Settings of the webhooks part, read from the environment at start.

``HALO_WEBHOOKS_TIMEOUT_S`` (10: one attempt's limit), ``HALO_WEBHOOKS_BACKOFF_S``
(``30,120,600,3600,21600``: the wait after the 1st, 2nd, ... failure; the last repeats),
``HALO_WEBHOOKS_JITTER`` (0.2: each wait is moved by up to ±20 %),
``HALO_WEBHOOKS_MAX_ATTEMPTS`` (8: then the delivery is dead-lettered),
``HALO_WEBHOOKS_ROTATION_GRACE_S`` (86400: how long the previous secret still signs after a
rotation), ``HALO_WEBHOOKS_PAUSE_AFTER_S`` (86400: a subscription whose every attempt failed
for that long is paused), ``HALO_WEBHOOKS_ALLOW_HTTP_LOCAL`` (``1`` outside production:
``http://127.0.0.1`` and ``http://localhost`` receivers allowed; never in production),
``HALO_WEBHOOKS_GROUP`` (``gateway-webhooks``: the consumer group of the case topics),
``HALO_WEBHOOKS_KEY`` (base64 of 32 bytes: the AES key the secrets are sealed with; unset,
it is derived with HKDF-SHA256 from ``HALO_PII_KEY``, the gateway's key at rest, under a
label of its own, so a deployment needs no new secret; set it to keep the two apart).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shared.settings import SettingsError, env, env_int, is_production, secret_bytes

DEFAULT_BACKOFF_S = (30.0, 120.0, 600.0, 3600.0, 21600.0)
KEY_LABEL = b"halo-lamsel/webhooks/secret-seal/v1"


def sealing_key() -> bytes:
    """``HALO_WEBHOOKS_KEY``, else a key derived from ``HALO_PII_KEY`` (required in
    production; in development kept under ``var/secrets``)."""
    if env("HALO_WEBHOOKS_KEY"):
        return secret_bytes("WEBHOOKS_KEY")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=KEY_LABEL).derive(secret_bytes("PII_KEY"))


@dataclass(frozen=True)
class WebhookSettings:
    key: bytes = field(repr=False)
    """AES-GCM key sealing the subscriptions' secrets at rest."""
    production: bool = False
    """Production rules for receiver URLs: https only, no private or link-local address."""
    allow_http_local: bool = True
    """``http://127.0.0.1`` / ``http://localhost`` receivers (development and tests only)."""
    timeout_s: float = 10.0
    backoff_s: tuple[float, ...] = DEFAULT_BACKOFF_S
    jitter: float = 0.2
    max_attempts: int = 8
    rotation_grace_s: float = 86400.0
    pause_after_s: float = 86400.0
    lease_s: float = 120.0
    """How long a claimed delivery stays with the worker sending it."""
    batch: int = 50
    poll_s: float = 2.0
    replay_window_s: float = 7 * 86400.0
    """The longest window ``POST .../ulang?sejak=&sampai=`` re-sends."""
    replay_limit: int = 1000
    """The most deliveries one window replay re-sends."""
    group: str = "gateway-webhooks"
    response_excerpt: int = 1024

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt, before jitter."""
        index = min(max(attempts, 1), len(self.backoff_s)) - 1
        return self.backoff_s[index]

    @property
    def rotation_grace(self) -> timedelta:
        return timedelta(seconds=self.rotation_grace_s)

    @classmethod
    def from_env(cls) -> WebhookSettings:
        production = is_production()
        raw = env("HALO_WEBHOOKS_BACKOFF_S")
        try:
            backoff = (tuple(float(p) for p in raw.split(",") if p.strip()) if raw
                       else DEFAULT_BACKOFF_S)
            jitter = float(env("HALO_WEBHOOKS_JITTER", "0.2") or 0.2)
            timeout = float(env("HALO_WEBHOOKS_TIMEOUT_S", "10") or 10)
        except ValueError:
            raise SettingsError("HALO_WEBHOOKS_BACKOFF_S/JITTER/TIMEOUT_S harus angka") from None
        attempts = env_int("HALO_WEBHOOKS_MAX_ATTEMPTS", 8)
        if attempts < 1 or not backoff or not 0 <= jitter < 1 or timeout <= 0:
            raise SettingsError("pengaturan HALO_WEBHOOKS_* tidak valid")
        allow_local = (env("HALO_WEBHOOKS_ALLOW_HTTP_LOCAL", "1") == "1") and not production
        return cls(key=sealing_key(), production=production,
                   allow_http_local=allow_local, timeout_s=timeout, backoff_s=backoff,
                   jitter=jitter, max_attempts=attempts,
                   rotation_grace_s=float(env_int("HALO_WEBHOOKS_ROTATION_GRACE_S", 86400)),
                   pause_after_s=float(env_int("HALO_WEBHOOKS_PAUSE_AFTER_S", 86400)),
                   group=env("HALO_WEBHOOKS_GROUP") or "gateway-webhooks")
