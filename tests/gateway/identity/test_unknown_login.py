"""A login identifier that names no account is slowed down and locked exactly like a
registered one: same status codes, same ``Retry-After``, same moments; it costs the same
Argon2 work; only a keyed hash of the identifier is kept, in the database, so every gateway
replica counts alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway.identity.login import identifier_key
from gateway.identity.passwords import Passwords
from gateway.identity.tables import LoginFailureRow
from tests.gateway.identity.support import CITIZEN, Clock, Gateway, running_gateway

WRONG = "Salah-Sandi-999"
SCRIPT: list[tuple[float, bool]] = [
    # (seconds to wait first, use the account's right password)
    (0, False), (0, False), (0, False),   # failures 1, 2, 3 (a 5 s window opens)
    (0, True), (3, False),                 # inside the window: 429
    (2, False),                            # failure 4 (10 s)
    (4, False), (6, False),                # inside, then failure 5: locked 15 minutes
    (14 * 60, True),                       # still locked: 423
    (60, False), (0, False),               # the lock is served: a clean count
]


def seen(response: Any) -> tuple[int, str | None, str, str]:
    body = response.json()
    return (response.status_code, response.headers.get("retry-after"), body["code"],
            body["detail"])


async def run_script(gw: Gateway, login: str) -> list[tuple[int, str | None, str, str]]:
    answers = []
    for wait, right in SCRIPT:
        gw.clock.advance(wait)
        answers.append(seen(await gw.login(login, CITIZEN["password"] if right else WRONG)))
    gw.clock.advance(3600)
    return answers


@pytest.mark.parametrize(("known", "unknown"), [
    (CITIZEN["email"], "siapa@example.id"),
    (CITIZEN["nik"], "1801010101900009"),
    ("081234567890", "0812 9999 0000"),
])
async def test_an_unknown_identifier_answers_like_a_registered_one(
        gw: Gateway, known: str, unknown: str) -> None:
    await gw.register()
    registered = await run_script(gw, known)
    assert [(s, r) for s, r, _, _ in registered] == [
        (401, None), (401, None), (401, "5"), (429, "5"), (429, "2"), (401, "10"),
        (429, "6"), (423, "900"), (423, "60"), (401, None), (401, None)]
    assert await run_script(gw, unknown) == registered


async def test_every_spelling_of_an_unknown_identifier_shares_one_count(gw: Gateway) -> None:
    for login in ("Siapa@Example.id", " siapa@example.id", "siapa@example.id"):
        await gw.login(login, WRONG)
    assert (await gw.login("SIAPA@EXAMPLE.ID", WRONG)).status_code == 429
    for login in ("081299990000", "+62 812-9999-0000", "6281299990000"):
        await gw.login(login, WRONG)
    assert (await gw.login("0812.9999.0000", WRONG)).status_code == 429


async def test_only_a_keyed_hash_of_an_unknown_identifier_is_kept(gw: Gateway) -> None:
    for login in ("siapa@example.id", "1801010101900009", "081299990000"):
        await gw.login(login, WRONG)
    rows = await gw.rows(LoginFailureRow)
    assert sorted(r.failed_logins for r in rows) == [1, 1, 1]
    kept = " ".join(r.key for r in rows)
    for text in ("siapa", "example", "1801010101900009", "81299990000"):
        assert text not in kept
    assert all(len(r.key) == 64 for r in rows)
    assert identifier_key(b"k" * 32, "email", "siapa@example.id") not in kept


async def test_counts_with_nothing_left_to_remember_are_dropped(gw: Gateway) -> None:
    await gw.login("lama@example.id", WRONG)
    gw.clock.advance(16 * 60)  # past the 15-minute window
    await gw.login("baru@example.id", WRONG)
    rows = await gw.rows(LoginFailureRow)
    assert len(rows) == 1 and rows[0].last_failed_at == gw.clock()


async def test_replicas_share_the_count_of_an_unknown_identifier(
        tmp_path: Path, database_url: str | None) -> None:
    """Two gateway replicas on one database: failures alternate between them and the lock
    comes at the fifth, as for a registered account; both then refuse."""
    clock = Clock()
    async with running_gateway(tmp_path, clock=clock, database_url=database_url) as one, \
            running_gateway(tmp_path, clock=clock, database_url=database_url) as two:
        answers = []
        for i, wait in enumerate((0, 0, 0, 5, 10)):
            clock.advance(wait)
            replica = (one, two)[i % 2]
            answers.append((await replica.login("siapa@example.id", WRONG)).status_code)
        assert answers == [401, 401, 401, 401, 423]
        for replica in (one, two):
            refused = await replica.login("siapa@example.id", WRONG)
            assert (refused.status_code, refused.headers["retry-after"]) == (423, "900")


async def test_an_unknown_identifier_costs_one_argon2_check_like_a_wrong_password(
        gw: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    await gw.register()
    checks: list[str] = []
    real = Passwords.verify

    async def counted(self: Passwords, stored: str, password: str) -> bool:
        checks.append(stored[:9])
        return await real(self, stored, password)

    monkeypatch.setattr(Passwords, "verify", counted)
    await gw.login(CITIZEN["email"], WRONG)
    await gw.login("siapa@example.id", WRONG)
    assert checks == ["$argon2id", "$argon2id"]
    for _ in range(2):
        await gw.login(CITIZEN["email"], WRONG)
        await gw.login("siapa@example.id", WRONG)
    checks.clear()                          # inside the windows: refused before any check
    assert (await gw.login(CITIZEN["email"], WRONG)).status_code == 429
    assert (await gw.login("siapa@example.id", WRONG)).status_code == 429
    assert checks == []
