"""The SIASN adapter against its local stand-in (tests/support/siasn_standin.py), and what
the service does with it: an employee's position taken from SIASN chooses the signer, a
granted leave is recorded once, SIASN being down leaves it queued; the reconciliation
releases the days of a case the sweeper expired without the hooks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.kepegawaian import loops
from services.kepegawaian.adapters.siasn import (
    HttpSiasn,
    LeaveRecord,
    SiasnSettings,
    SiasnUnavailable,
    siasn_from_env,
)
from services.kepegawaian.routes import siasn_dep
from services.kepegawaian.tables import LeaveRequestRow
from shared.db.tables import CaseRow
from tests.services.kepegawaian.support import (
    ASN,
    NIP,
    STAF,
    TO_SIGNING,
    act,
    kepegawaian,
    leave_form,
    open_leave,
)
from tests.support.apps import runtime_of
from tests.support.siasn_standin import SiasnStandIn

ESELON_II = {"nama": "Siti Aminah", "jabatan": "Kepala Dinas Kesehatan",
             "jenisJabatan": "struktural_eselon_ii", "unorNama": "Dinas Kesehatan",
             "kedudukanHukum": "PNS", "tmtCpns": "2010-01-01"}


def adapter(standin: SiasnStandIn, secret: str | None = None) -> HttpSiasn:
    conf = SiasnSettings("http://siasn.test", standin.client_id,
                         secret or standin.client_secret)
    return HttpSiasn(conf, transport=httpx.ASGITransport(app=standin.app()))


def record(case_id: str = "c-1") -> LeaveRecord:
    return LeaveRecord(case_id, NIP, "tahunan", date(2026, 5, 11), date(2026, 5, 22), 8, case_id)


async def test_the_adapter_reads_an_employee_with_one_token() -> None:
    standin = SiasnStandIn()
    standin.add(NIP, **ESELON_II)
    siasn = adapter(standin)
    found = await siasn.employee(NIP)
    assert found is not None
    assert (found.position, found.kind, found.tmt_cpns) == ("struktural_eselon_ii", "pns",
                                                            date(2010, 1, 1))
    assert await siasn.employee("199001012015011001") is None  # 404
    assert standin.token_requests == 1  # the token is kept while valid


async def test_a_revoked_token_is_renewed_once_and_failures_are_unavailable() -> None:
    standin = SiasnStandIn()
    standin.add(NIP, **ESELON_II)
    siasn = adapter(standin)
    await siasn.employee(NIP)
    standin.revoke_tokens()
    assert await siasn.employee(NIP) is not None and standin.token_requests == 2
    standin.fail(503)
    with pytest.raises(SiasnUnavailable):
        await siasn.employee(NIP)
    with pytest.raises(SiasnUnavailable):
        await adapter(standin, secret="salah").employee(NIP)


async def test_a_leave_is_recorded_once_per_case() -> None:
    standin = SiasnStandIn()
    standin.add(NIP, **ESELON_II)
    siasn = adapter(standin)
    first = await siasn.record_leave(record())
    assert await siasn.record_leave(record()) == first  # the idempotency key: the case id
    assert list(standin.records) == ["c-1"]
    assert standin.records["c-1"]["lamaHariKerja"] == 8
    unknown = LeaveRecord("c-2", "199001012015011001", "tahunan", date(2026, 5, 11),
                          date(2026, 5, 12), 2, "c-2")
    with pytest.raises(SiasnUnavailable):
        await siasn.record_leave(unknown)  # 422: SIASN does not know the NIP


def test_the_adapter_is_chosen_by_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HALO_KEPEGAWAIAN_SIASN_URL", raising=False)
    assert siasn_from_env() is None
    monkeypatch.setenv("HALO_KEPEGAWAIAN_SIASN_URL", "https://siasn.example/")
    monkeypatch.setenv("HALO_KEPEGAWAIAN_SIASN_CLIENT_ID", "bkd")
    chosen = siasn_from_env()
    assert isinstance(chosen, HttpSiasn) and chosen.conf.url == "https://siasn.example"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("fresh_pg_url"))
    return f"sqlite+aiosqlite:///{tmp_path / 'kepegawaian.db'}"


@pytest.fixture
async def svc(url: str, tmp_path: Path
              ) -> AsyncIterator[tuple[Any, httpx.AsyncClient, SiasnStandIn]]:
    standin = SiasnStandIn()
    standin.add(NIP, **ESELON_II)
    async with kepegawaian(url, tmp_path) as (app, client):
        app.dependency_overrides[siasn_dep] = lambda: adapter(standin)
        yield app, client, standin


def clock() -> datetime:
    return datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


async def test_siasn_position_chooses_the_signer_and_the_leave_is_recorded(
        svc: tuple[Any, httpx.AsyncClient, SiasnStandIn]) -> None:
    """SIASN says Eselon II: though the form says fungsional, the Bupati signs (Perbup
    19/2026 langkah 7, daftar Bupati) and the Kepala BKD's action is refused. Completed, the
    leave waits for SIASN while it answers 503, then is recorded once."""
    app, client, standin = svc
    synced = await client.post(f"/cuti/pegawai/{NIP}/siasn", headers=STAF)
    assert synced.status_code == 200, synced.text
    assert synced.json()["jenis_jabatan"] == "struktural_eselon_ii"
    assert synced.json()["nama"] == "S*** A***" and synced.json()["sumber"] == "siasn"
    assert (await client.post("/cuti/pegawai/199001012015011001/siasn",
                              headers=STAF)).status_code == 404
    assert (await client.post(f"/cuti/pegawai/{NIP}/siasn", headers=ASN)).status_code == 403

    case = (await open_leave(client, leave_form("tahunan", "2026-05-11", "2026-05-22"))).json()
    signer = (await client.get(f"/cuti/kasus/{case['id']}", headers=ASN)).json()
    assert (signer["penandatangan"], signer["penandatangan_ditafsirkan"]) == ("Bupati", False)
    for role, action in TO_SIGNING:
        assert (await act(client, case["id"], role, action)).status_code == 200
    assert (await act(client, case["id"], "staf", "ke_kepala_bkd")).status_code == 422
    for role, action in [("staf", "ke_bupati"), ("staf", "ditandatangani"), ("staf", "unggah"),
                         ("pemohon", "terima")]:
        assert (await act(client, case["id"], role, action)).status_code == 200, action

    runtime = runtime_of(app)
    standin.fail(503)
    await loops.run_once(runtime.sessions, clock, adapter(standin))
    assert standin.records == {}
    await loops.run_once(runtime.sessions, clock, adapter(standin))
    [(key, sent)] = standin.records.items()
    assert key == case["id"] and (sent["tanggalMulai"], sent["lamaHariKerja"]) == \
        ("2026-05-11", 8)
    async with runtime.sessions() as session:
        item = await session.get(LeaveRequestRow, case["id"])
        assert item is not None and (item.siasn, item.siasn_ref) == ("sent", sent["id"])
    await loops.run_once(runtime.sessions, clock, adapter(standin))
    assert len(standin.records) == 1


async def test_siasn_not_configured_or_down(
        svc: tuple[Any, httpx.AsyncClient, SiasnStandIn]) -> None:
    """Not configured: 409 (a state of the deployment); configured but down: 503."""
    app, client, standin = svc
    standin.fail(500, 500)
    down = await client.post(f"/cuti/pegawai/{NIP}/siasn", headers=STAF)
    assert down.status_code == 503 and down.json()["code"] == "siasn-unavailable"
    app.dependency_overrides[siasn_dep] = lambda: None
    answer = await client.post(f"/cuti/pegawai/{NIP}/siasn", headers=STAF)
    assert answer.status_code == 409 and answer.json()["code"] == "siasn-not-configured"


async def test_reconciliation_releases_an_expired_case_and_withdrawal_releases(
        svc: tuple[Any, httpx.AsyncClient, SiasnStandIn]) -> None:
    """Two requests of 2 days each (Mon 11 - Tue 12, Mon 18 - Tue 19 May): 12 - 4 = 8 left.
    One is withdrawn by the ASN (hook: 10 left); the other's case is expired the way the
    sweeper does it, without hooks: the loop releases it (12 left)."""
    app, client, _ = svc
    first = (await open_leave(client, leave_form("tahunan", "2026-05-11", "2026-05-12"))).json()
    second = (await open_leave(client, leave_form("tahunan", "2026-05-18", "2026-05-19"))).json()
    mine = (await client.get("/cuti/saya", params={"tahun": 2026}, headers=ASN)).json()
    assert mine["saldo"][0]["sisa"] == 8
    withdrawn = await act(client, first["id"], "pemohon", "batalkan")  # withdrawal
    assert withdrawn.status_code == 200, withdrawn.text
    mine = (await client.get("/cuti/saya", params={"tahun": 2026}, headers=ASN)).json()
    assert mine["saldo"][0]["sisa"] == 10
    runtime = runtime_of(app)
    async with runtime.sessions() as session:
        row = await session.get(CaseRow, second["id"])
        assert row is not None
        row.status = "expired"
        await session.commit()
    await loops.run_once(runtime.sessions, clock, None)
    mine = (await client.get("/cuti/saya", params={"tahun": 2026}, headers=ASN)).json()
    assert mine["saldo"][0]["sisa"] == 12
    assert {u["status"] for u in mine["usulan"]} == {"released"}
