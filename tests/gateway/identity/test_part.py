"""``PART`` as the gateway loads it: settings and secrets from the environment."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest

from gateway.app import GatewayWiring, create_gateway_app
from gateway.identity.part import PART
from gateway.identity.settings import IdentitySettings, RateLimit
from shared.auth.keys import KeySet, new_key
from shared.events.memory import InProcessBus
from shared.settings import SettingsError
from tests.gateway.identity.support import CITIZEN, gateway_settings


@pytest.fixture
def identity_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("HALO_NIK_HASH_KEY", raising=False)
    monkeypatch.delenv("HALO_PII_KEY", raising=False)
    monkeypatch.setenv("HALO_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("HALO_ARGON2_MEMORY_KIB", "8192")
    monkeypatch.setenv("HALO_IDENTITY_RATE_LOGIN", "2/30")
    return tmp_path


async def test_the_part_reads_its_settings_from_the_environment(identity_env: Path) -> None:
    app = create_gateway_app(gateway_settings(identity_env),
                             GatewayWiring(bus=InProcessBus(), keys=KeySet([new_key()])),
                             parts=[PART])
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            assert (await client.post("/api/v1/auth/register", json=CITIZEN)).status_code == 201
            body = {"login": CITIZEN["email"], "password": CITIZEN["password"]}
            assert (await client.post("/api/v1/auth/login", json=body)).status_code == 200
            assert (await client.post("/api/v1/auth/login", json=body)).status_code == 200
            limited = await client.post("/api/v1/auth/login", json=body)
            assert limited.status_code == 429 and limited.headers["retry-after"] == "30"
            assert (await client.get("/readyz")).status_code == 200
    secrets = identity_env / "var" / "secrets"
    assert (secrets / "nik_hash_key").exists() and (secrets / "pii_key").exists()


def test_explicit_secrets_and_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    key = base64.urlsafe_b64encode(b"k" * 32).decode()
    monkeypatch.setenv("HALO_NIK_HASH_KEY", key)
    monkeypatch.setenv("HALO_PII_KEY", key)
    monkeypatch.setenv("HALO_IDENTITY_RATE_REGISTER", "5/120")
    monkeypatch.setenv("HALO_IDENTITY_LOCK_AFTER", "7")
    settings = IdentitySettings.from_env()
    assert settings.nik_hash_key == b"k" * 32
    assert settings.rate_limits["register"] == RateLimit(5, 120.0)
    assert settings.login.lock_after == 7


def test_production_refuses_missing_secrets_and_bad_limits(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALO_ENV", "production")
    monkeypatch.delenv("HALO_NIK_HASH_KEY", raising=False)
    with pytest.raises(SettingsError):
        IdentitySettings.from_env()
    monkeypatch.setenv("HALO_ENV", "development")
    monkeypatch.setenv("HALO_IDENTITY_RATE_LOGIN", "lots")
    with pytest.raises(SettingsError):
        IdentitySettings.from_env()
