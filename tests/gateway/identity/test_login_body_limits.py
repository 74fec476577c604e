"""Oversized and malformed login bodies never reach the password hasher: a body over the
auth routes' limit is 413 while it streams, a password over 256 characters or with control
characters is 422; no account, session or failed-login count is written."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from gateway.identity.context import context_of
from gateway.identity.tables import AccountRow
from tests.gateway.identity.support import CITIZEN, Gateway


class Counting:
    """Counts every call to the hasher (hash, verify, the dummy verify of unknown logins)."""

    def __init__(self, gw: Gateway) -> None:
        self.calls = 0
        passwords = context_of(gw.runtime).passwords
        for name in ("hash", "verify", "verify_nothing"):
            setattr(passwords, name, self._counted(getattr(passwords, name)))

    def _counted(self, method: Any) -> Any:
        async def counted(*args: Any) -> Any:
            self.calls += 1
            return await method(*args)
        return counted


@pytest.fixture
async def hasher(gw: Gateway) -> Counting:
    assert (await gw.register()).status_code == 201
    return Counting(gw)


async def _unchanged(gw: Gateway) -> None:
    [account] = await gw.rows(AccountRow)
    assert account.failed_logins == 0


async def test_a_login_body_streamed_over_the_limit_is_413_unread(
        gw: Gateway, hasher: Counting) -> None:
    pulled = 0

    async def two_megabytes() -> AsyncIterator[bytes]:
        nonlocal pulled
        yield b'{"login": "rina@example.id", "password": "'
        for _ in range(32):
            pulled += 1
            yield b"p" * 65536
        yield b'"}'

    response = await gw.client.post("/api/v1/auth/login", content=two_megabytes(),
                                    headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["code"] == "payload-too-large"
    assert str(16 * 1024) in response.json()["detail"]
    assert pulled == 1 and hasher.calls == 0
    await _unchanged(gw)


async def test_a_20_mb_password_is_never_hashed(gw: Gateway, hasher: Counting) -> None:
    body = json.dumps({"login": "rina@example.id", "password": "p" * (20 << 20)})
    response = await gw.client.post("/api/v1/auth/login", content=body,
                                    headers={"content-type": "application/json"})
    assert response.status_code == 413 and hasher.calls == 0
    await _unchanged(gw)


async def test_a_password_over_256_characters_is_422_before_hashing(
        gw: Gateway, hasher: Counting) -> None:
    response = await gw.login("rina@example.id", "p" * 257, **{"Accept-Language": "en"})
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["field"].endswith("password") and error["problem"] == "too_long"
    assert error["message"] == "Too long (at most 256 characters)."
    assert hasher.calls == 0
    await _unchanged(gw)


@pytest.mark.parametrize("field", ["login", "password"])
async def test_nul_in_a_login_field_is_422_naming_the_field(
        gw: Gateway, hasher: Counting, field: str) -> None:
    body = {"login": "rina@example.id", "password": CITIZEN["password"]}
    body[field] = body[field][:4] + "\x00" + body[field][4:]
    response = await gw.client.post("/api/v1/auth/login", json=body)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["field"].endswith(field) and error["problem"] == "control-characters"
    assert error["message"] == "Tidak boleh memuat karakter kendali."
    assert hasher.calls == 0
    await _unchanged(gw)


async def test_registration_refuses_control_characters_and_long_names(gw: Gateway) -> None:
    tab = await gw.register(name="Rina\tWulandari")
    long = await gw.register(name="R" * 101)
    assert tab.status_code == 422 and tab.json()["errors"][0]["problem"] == "control-characters"
    assert long.status_code == 422
    assert await gw.rows(AccountRow) == []


async def test_a_login_body_that_is_not_json_is_the_invalid_json_problem(
        gw: Gateway, hasher: Counting) -> None:
    """The gateway's own JSON routes say it as the services do: field ``body``, problem
    ``invalid-json``, where the parser stopped; nothing hashed or counted."""
    for path in ("/api/v1/auth/login", "/api/v1/auth/register"):
        answer = await gw.client.post(path, content=b'{"login": ',
                                      headers={"content-type": "application/json"})
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] == "validation-error"
        assert answer.json()["errors"] == [{"field": "body", "problem": "invalid-json",
                                            "position": 10,
                                            "message": "Isi bukan JSON yang valid."}]
    assert hasher.calls == 0
    await _unchanged(gw)
