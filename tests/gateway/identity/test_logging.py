"""No NIK, password, token or phone number reaches a log line, whatever the outcome."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.observability.logging import JsonFormatter, configure_logging
from tests.gateway.identity.support import CITIZEN, running_gateway


@pytest.fixture(params=["INFO", "DEBUG"])
def log_lines(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    """The JSON log lines written while the test runs, at the parametrised root level."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging(request.param)
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    try:
        yield buffer
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


async def test_personal_data_and_secrets_never_reach_the_logs(
        tmp_path: Path, log_lines: io.StringIO, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.getLogger().level)
    async with running_gateway(tmp_path) as gw:
        assert (await gw.register()).status_code == 201
        assert (await gw.register()).status_code == 409
        bad = await gw.register(nik="1801010303260003", email="lain@example.id",
                                phone="0899990000", password="Password123")
        assert bad.status_code == 422
        pair = await gw.tokens(CITIZEN["nik"], CITIZEN["password"])
        await gw.tokens("081234567890", CITIZEN["password"])
        for _ in range(5):
            await gw.login(CITIZEN["email"], "Salah-Sandi-999")
        refreshed = await gw.client.post("/api/v1/auth/refresh",
                                         json={"refresh_token": pair["refresh_token"]})
        assert refreshed.status_code == 200
        replay = await gw.client.post("/api/v1/auth/refresh",
                                      json={"refresh_token": pair["refresh_token"]})
        assert replay.status_code == 401
        await gw.client.get("/api/v1/auth/me", headers={
            "Authorization": f"Bearer {pair['access_token']}x"})
        await gw.client.post("/api/v1/auth/logout",
                             json={"refresh_token": refreshed.json()["refresh_token"]})

    text = log_lines.getvalue() + "\n".join(
        f"{r.getMessage()} {vars(r)}" for r in caplog.records)
    assert "login failed" in text and "refresh token reuse" in text   # the logs did run
    secrets = [CITIZEN["nik"], "1801010303260003", CITIZEN["password"], "Salah-Sandi-999",
               "Password123", "81234567890", "899990000", pair["access_token"],
               pair["access_token"].split(".")[2], pair["refresh_token"],
               refreshed.json()["refresh_token"], refreshed.json()["access_token"]]
    for secret in secrets:
        assert secret not in text, f"leaked into logs: {secret[:6]}…"
