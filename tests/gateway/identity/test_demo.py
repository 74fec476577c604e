"""Demo accounts: one of every kind, idempotent, with working documented passwords."""

from __future__ import annotations

from datetime import date

from gateway.identity.demo import DEMO_CITIZENS, PASSWORDS, demo_accounts, seed_demo_accounts
from gateway.identity.nik import parse_nik
from gateway.identity.passwords import check_password
from gateway.identity.tables import AccountRow
from shared.registry import load_registry
from tests.gateway.identity.support import Gateway


async def test_seed_creates_every_kind_once(gw: Gateway) -> None:
    registry = load_registry()
    credentials = await seed_demo_accounts(gw.runtime)
    rows = await gw.rows(AccountRow)
    assert len(rows) == len(credentials) == len({c["login"] for c in credentials})
    expected = 1 + sum(len(registry.agency_roles(a)) for a in registry.agencies) + 3
    assert len(rows) == expected
    by_login = {c["login"]: c for c in credentials}
    assert by_login["admin@demo.halo.lamsel"]["roles"] == ["admin"]
    for agency in registry.agencies:
        assert by_login[f"admin.{agency}@demo.halo.lamsel"]["roles"] == [f"{agency}:admin"]
        for role in registry.agency_roles(agency):
            if role != "admin":
                entry = by_login[f"{role}.{agency}@demo.halo.lamsel"]
                assert entry["roles"] == [f"{agency}:{role}"]
                assert entry["kind"] == ("system" if role == "integrasi" else "officer")
    assert [c["kind"] for c in credentials].count("citizen") == 3

    again = await seed_demo_accounts(gw.runtime)
    assert again == credentials
    assert len(await gw.rows(AccountRow)) == expected


async def test_demo_logins_work(gw: Gateway) -> None:
    credentials = await seed_demo_accounts(gw.runtime)
    picks = {c["kind"]: c for c in credentials}
    for entry in picks.values():
        pair = await gw.tokens(entry["login"], entry["password"])
        principal = await gw.runtime.verifier.verify(pair["access_token"])
        assert sorted(principal.roles) == entry["roles"]
    nik = DEMO_CITIZENS[1][0]
    assert (await gw.login(nik, PASSWORDS["citizen"])).status_code == 200
    assert (await gw.login("081200000003", PASSWORDS["citizen"])).status_code == 200


def test_demo_data_is_valid() -> None:
    for nik, _name, local, phone in DEMO_CITIZENS:
        assert parse_nik(nik, date(2026, 1, 1)).regency == "01"
        assert check_password(PASSWORDS["citizen"], nik=nik, email=f"{local}@demo.halo.lamsel",
                              phone=phone) == []
    assert parse_nik(DEMO_CITIZENS[1][0], date(2026, 1, 1)).female
    for password in PASSWORDS.values():
        assert check_password(password) == []
    for account in demo_accounts(load_registry()):
        assert len(account.name) <= 100 and len(account.email) <= 254
