"""How the Kafka clients connect and how topics are created, from the environment.

``HALO_KAFKA_REPLICATION_FACTOR`` and ``HALO_KAFKA_MIN_INSYNC_REPLICAS`` shape the topics the
processes create (a production cluster of three brokers: 3 and 2, so a committed event
survives the loss of a broker); ``HALO_KAFKA_SECURITY_PROTOCOL``, ``HALO_KAFKA_SASL_MECHANISM``,
``HALO_KAFKA_SASL_USERNAME`` / ``HALO_KAFKA_SASL_PASSWORD`` and ``HALO_KAFKA_SSL_CAFILE``
reach every producer, consumer and admin client. The defaults fit the local single broker.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka.helpers import create_ssl_context

from shared.settings import SettingsError, env, env_int

PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")


@dataclass(frozen=True)
class KafkaSettings:
    replication_factor: int = 1
    min_insync_replicas: int | None = None
    """``min.insync.replicas`` of the topics created; None: the broker's default."""
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = field(default=None, repr=False)  # never logged
    ssl_cafile: Path | None = None
    """The CA that signed the brokers' certificates (SSL, SASL_SSL); None: the system CAs."""

    def __post_init__(self) -> None:
        if self.replication_factor < 1:
            raise SettingsError("HALO_KAFKA_REPLICATION_FACTOR minimal 1")
        if self.min_insync_replicas is not None and not (
                1 <= self.min_insync_replicas <= self.replication_factor):
            raise SettingsError("HALO_KAFKA_MIN_INSYNC_REPLICAS harus antara 1 dan "
                                "HALO_KAFKA_REPLICATION_FACTOR")
        if self.security_protocol not in PROTOCOLS:
            raise SettingsError(f"HALO_KAFKA_SECURITY_PROTOCOL harus salah satu dari "
                                f"{', '.join(PROTOCOLS)}")
        if self.sasl:
            if self.sasl_mechanism not in MECHANISMS:
                raise SettingsError(f"HALO_KAFKA_SASL_MECHANISM harus salah satu dari "
                                    f"{', '.join(MECHANISMS)}")
            if not self.sasl_username or not self.sasl_password:
                raise SettingsError("HALO_KAFKA_SASL_USERNAME dan HALO_KAFKA_SASL_PASSWORD "
                                    "wajib diisi untuk SASL")
        if self.ssl_cafile is not None and not self.ssl_cafile.is_file():
            raise SettingsError("HALO_KAFKA_SSL_CAFILE tidak ditemukan")

    @property
    def sasl(self) -> bool:
        return self.security_protocol.startswith("SASL_")

    @property
    def tls(self) -> bool:
        return self.security_protocol in ("SSL", "SASL_SSL")

    @classmethod
    def from_env(cls) -> KafkaSettings:
        insync = env("HALO_KAFKA_MIN_INSYNC_REPLICAS")
        cafile = env("HALO_KAFKA_SSL_CAFILE")
        return cls(
            replication_factor=env_int("HALO_KAFKA_REPLICATION_FACTOR", 1),
            min_insync_replicas=env_int("HALO_KAFKA_MIN_INSYNC_REPLICAS", 1) if insync
            else None,
            security_protocol=(env("HALO_KAFKA_SECURITY_PROTOCOL") or "PLAINTEXT").upper(),
            sasl_mechanism=(env("HALO_KAFKA_SASL_MECHANISM") or "").upper() or None,
            sasl_username=env("HALO_KAFKA_SASL_USERNAME") or None,
            sasl_password=env("HALO_KAFKA_SASL_PASSWORD") or None,
            ssl_cafile=Path(cafile) if cafile else None)

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for every aiokafka client (producer, consumer, admin)."""
        options: dict[str, Any] = {"security_protocol": self.security_protocol}
        if self.tls:
            options["ssl_context"] = self.ssl_context()
        if self.sasl:
            options.update(sasl_mechanism=self.sasl_mechanism,
                           sasl_plain_username=self.sasl_username,
                           sasl_plain_password=self.sasl_password)
        return options

    def ssl_context(self) -> ssl.SSLContext:
        return create_ssl_context(cafile=str(self.ssl_cafile) if self.ssl_cafile else None)

    def topic_configs(self) -> dict[str, str]:
        """Per-topic settings of the topics the processes create."""
        if self.min_insync_replicas is None:
            return {}
        return {"min.insync.replicas": str(self.min_insync_replicas)}
