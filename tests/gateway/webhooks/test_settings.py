"""The webhook settings from the environment: the sealing key (its own, or derived from the
PII key so a deployment needs no new secret), production's URL rules, refused values, and
the backoff schedule."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from gateway.webhooks.settings import WebhookSettings
from shared.settings import SettingsError

PII = base64.urlsafe_b64encode(b"p" * 32).decode()
OWN = base64.urlsafe_b64encode(b"k" * 32).decode()


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path))
    for name in ("HALO_ENV", "HALO_WEBHOOKS_KEY", "HALO_WEBHOOKS_BACKOFF_S",
                 "HALO_WEBHOOKS_MAX_ATTEMPTS", "HALO_WEBHOOKS_ALLOW_HTTP_LOCAL",
                 "HALO_WEBHOOKS_JITTER", "HALO_WEBHOOKS_TIMEOUT_S"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HALO_PII_KEY", PII)


def test_production_derives_the_key_and_forbids_local_http(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALO_ENV", "production")
    monkeypatch.setenv("HALO_WEBHOOKS_ALLOW_HTTP_LOCAL", "1")
    conf = WebhookSettings.from_env()
    assert conf.production and not conf.allow_http_local
    assert len(conf.key) == 32 and conf.key != b"p" * 32
    assert WebhookSettings.from_env().key == conf.key  # the same on every replica
    monkeypatch.setenv("HALO_WEBHOOKS_KEY", OWN)
    assert WebhookSettings.from_env().key == b"k" * 32
    monkeypatch.delenv("HALO_PII_KEY")
    monkeypatch.delenv("HALO_WEBHOOKS_KEY")
    with pytest.raises(SettingsError):
        WebhookSettings.from_env()  # no key at all in production: refused


def test_development_defaults_and_the_schedule(monkeypatch: pytest.MonkeyPatch) -> None:
    conf = WebhookSettings.from_env()
    assert not conf.production and conf.allow_http_local
    assert (conf.timeout_s, conf.max_attempts, conf.jitter) == (10.0, 8, 0.2)
    assert [conf.backoff(n) for n in range(1, 8)] == [30, 120, 600, 3600, 21600, 21600, 21600]
    monkeypatch.setenv("HALO_WEBHOOKS_BACKOFF_S", "5,50")
    assert WebhookSettings.from_env().backoff_s == (5.0, 50.0)
    for name, value in (("HALO_WEBHOOKS_BACKOFF_S", "lima"), ("HALO_WEBHOOKS_JITTER", "1.5"),
                        ("HALO_WEBHOOKS_MAX_ATTEMPTS", "0")):
        monkeypatch.setenv(name, value)
        with pytest.raises(SettingsError):
            WebhookSettings.from_env()
        monkeypatch.delenv(name)
