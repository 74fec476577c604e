"""Kafka settings (``HALO_KAFKA_*``): replication factor, ``min.insync.replicas`` and the
security options are read and checked, and reach what aiokafka is given: the producer, the
consumers and the admin client (their connection settings) and the topics created (on the
real broker in the integration tier: a replication factor the single broker cannot satisfy
is refused, ``min.insync.replicas`` is set on the topic)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from shared.events.factory import bus_from_settings
from shared.events.kafka import KafkaBus
from shared.events.kafka_settings import KafkaSettings
from shared.settings import SettingsError
from tests.support.kafka_topics import delete_topics

SECURE_ENV = {"HALO_KAFKA_REPLICATION_FACTOR": "3", "HALO_KAFKA_MIN_INSYNC_REPLICAS": "2",
              "HALO_KAFKA_SECURITY_PROTOCOL": "sasl_ssl",
              "HALO_KAFKA_SASL_MECHANISM": "scram-sha-512",
              "HALO_KAFKA_SASL_USERNAME": "halo-gateway",
              "HALO_KAFKA_SASL_PASSWORD": "rahasia-kafka"}


def _ca_file(folder: Path) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Halo Lamsel test Kafka CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    path = folder / "kafka-ca.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (*SECURE_ENV, "HALO_KAFKA_SSL_CAFILE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults_fit_the_local_single_broker(clean_env: pytest.MonkeyPatch) -> None:
    settings = KafkaSettings.from_env()
    assert settings == KafkaSettings()
    assert settings.replication_factor == 1 and settings.topic_configs() == {}
    assert settings.client_options() == {"security_protocol": "PLAINTEXT"}


async def test_sasl_ssl_settings_reach_every_aiokafka_client(clean_env: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    for name, value in SECURE_ENV.items():
        clean_env.setenv(name, value)
    ca = _ca_file(tmp_path)
    clean_env.setenv("HALO_KAFKA_SSL_CAFILE", str(ca))
    bus = bus_from_settings("kafka", "kafka-1:9093,kafka-2:9093", "halo-test")
    assert isinstance(bus, KafkaBus)
    settings = bus.settings
    assert settings.ssl_cafile == ca
    assert "rahasia-kafka" not in repr(settings)
    producer = bus.make_producer()
    consumer = bus.consumer(["halo.dukcapil.case-events.v1"], "gateway-tracking")
    admin = bus.admin()
    clients = [producer.client, consumer._consumer._client, admin._client]
    for client in clients:
        assert client._security_protocol == "SASL_SSL"
        assert client._sasl_mechanism == "SCRAM-SHA-512"
        assert client._sasl_plain_username == "halo-gateway"
        assert client._sasl_plain_password == "rahasia-kafka"
        context = client._ssl_context
        assert context is not None
        subjects = [dict(x[0] for x in c["subject"]) for c in context.get_ca_certs()]
        assert {"commonName": "Halo Lamsel test Kafka CA"} in subjects
    topic, = bus.new_topics(["halo.dukcapil.case-events.v1"], partitions=3)
    assert (topic.num_partitions, topic.replication_factor) == (3, 3)
    assert topic.topic_configs == {"min.insync.replicas": "2"}
    await producer.stop()
    await consumer.stop()
    await admin.close()


async def test_plain_sasl_without_tls_has_no_ssl_context(clean_env: pytest.MonkeyPatch) -> None:
    settings = KafkaSettings(security_protocol="SASL_PLAINTEXT", sasl_mechanism="PLAIN",
                             sasl_username="u", sasl_password="p")
    options = settings.client_options()
    assert "ssl_context" not in options and options["sasl_mechanism"] == "PLAIN"
    producer = KafkaBus("k:9092", settings=settings).make_producer()
    assert producer.client._ssl_context is None
    await producer.stop()


@pytest.mark.parametrize(("env", "message"), [
    ({"HALO_KAFKA_REPLICATION_FACTOR": "0"}, "HALO_KAFKA_REPLICATION_FACTOR"),
    ({"HALO_KAFKA_REPLICATION_FACTOR": "tiga"}, "bilangan bulat"),
    ({"HALO_KAFKA_REPLICATION_FACTOR": "2", "HALO_KAFKA_MIN_INSYNC_REPLICAS": "3"},
     "HALO_KAFKA_MIN_INSYNC_REPLICAS"),
    ({"HALO_KAFKA_SECURITY_PROTOCOL": "TLS"}, "HALO_KAFKA_SECURITY_PROTOCOL"),
    ({"HALO_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "HALO_KAFKA_SASL_MECHANISM": "GSSAPI",
      "HALO_KAFKA_SASL_USERNAME": "u", "HALO_KAFKA_SASL_PASSWORD": "p"},
     "HALO_KAFKA_SASL_MECHANISM"),
    ({"HALO_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "HALO_KAFKA_SASL_MECHANISM": "PLAIN"},
     "HALO_KAFKA_SASL_USERNAME"),
    ({"HALO_KAFKA_SECURITY_PROTOCOL": "SSL", "HALO_KAFKA_SSL_CAFILE": "/nonexistent/ca.pem"},
     "HALO_KAFKA_SSL_CAFILE"),
])
def test_wrong_settings_stop_the_start_with_a_clear_message(
        clean_env: pytest.MonkeyPatch, env: dict[str, str], message: str) -> None:
    for name, value in env.items():
        clean_env.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        KafkaSettings.from_env()


@pytest.mark.integration
async def test_topic_creation_uses_the_replication_settings(kafka_bootstrap: str) -> None:
    suffix = uuid.uuid4().hex[:8]
    ok, refused = f"halo.test-rf-ok-{suffix}", f"halo.test-rf-refused-{suffix}"
    try:
        bus = KafkaBus(kafka_bootstrap, client_id=f"rf-{suffix}", request_timeout_ms=5000,
                       settings=KafkaSettings(replication_factor=1, min_insync_replicas=1))
        await bus.ensure_topics([ok], partitions=2)
        admin = bus.admin()
        await admin.start()
        try:
            described = await admin.describe_configs(
                [ConfigResource(ConfigResourceType.TOPIC, ok, {"min.insync.replicas": None})])
        finally:
            await admin.close()
        entries = [e for r in described for res in r.resources for e in res[4]]
        insync = next(e for e in entries if e[0] == "min.insync.replicas")
        assert insync[1] == "1"
        assert insync[3] == 1, "min.insync.replicas is not a topic-level setting"
        # three replicas on the single test broker: refused, so the factor reached the broker
        strict = KafkaBus(kafka_bootstrap, client_id=f"rf3-{suffix}", request_timeout_ms=5000,
                          settings=KafkaSettings(replication_factor=3))
        with pytest.raises(RuntimeError, match="creating topic"):
            await strict.ensure_topics([refused])
    finally:
        await delete_topics(kafka_bootstrap, [ok, refused])
