"""The leave ledger through the service's HTTP API on SQLite and PostgreSQL: a request is
counted on the 2026 office calendar and held, refused over the balance with the figures,
released on rejection, taken on completion, signed by the signer the position names; the
balance carries over the unused days of 2025; BKD officers read the ledger masked, a BKD
admin adjusts it (audited)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col

from services.kepegawaian.tables import AdjustmentRow, EmployeeRow
from shared.db.tables import AuditRow
from tests.services.kepegawaian.support import (
    ASN,
    BKD_ADMIN,
    NIP,
    OTHER,
    STAF,
    TO_SIGNING,
    act,
    kepegawaian,
    leave_form,
    officer,
    open_leave,
)
from tests.support.apps import runtime_of


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("fresh_pg_url"))
    return f"sqlite+aiosqlite:///{tmp_path / 'kepegawaian.db'}"


@pytest.fixture
async def svc(url: str, tmp_path: Path) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    async with kepegawaian(url, tmp_path) as pair:
        yield pair


def annual(ledger: dict[str, Any]) -> dict[str, Any]:
    return next(b for b in ledger["saldo"] if b["jenis"] == "tahunan")


async def test_a_request_is_counted_held_and_the_balance_carries_over(
        svc: tuple[Any, httpx.AsyncClient]) -> None:
    """1. 11-22 May 2026 (Kenaikan 14 May and cuti bersama 15 May off): 8 working days held;
    2026 opens with 12, no 2025 record: 12 - 8 pending = 4 left.
    2. The BKD admin records 8 days of 2025 taken outside Halo Lamsel: 2025 had 12 - 8 = 4
    unused <= 6 -> 2026: 12 + 4 carried = 16, 16 - 8 pending = 8 left.
    3. 16-27 March 2026 (Nyepi, 4 cuti bersama, a weekend off): 5 days -> 8 - 5 = 3 left.
    4. Tue 2 - Fri 5 June (4 working days) > 3: refused with sisa 3, diminta 4."""
    app, client = svc
    first = await open_leave(client, leave_form("tahunan", "2026-05-11", "2026-05-22"))
    assert first.status_code == 201, first.text
    case = first.json()["id"]
    held = (await client.get(f"/cuti/kasus/{case}", headers=ASN)).json()
    assert (held["hari_kerja"], held["status"], held["penandatangan"]) == (8, "pending",
                                                                           "Kepala BKD")
    mine = (await client.get("/cuti/saya", params={"tahun": 2026}, headers=ASN)).json()
    assert mine["pegawai"]["nama"] == "Siti Aminah"  # the ASN reads their own name
    assert {k: annual(mine)[k] for k in ("hak", "ditangguhkan", "menunggu", "sisa")} == \
        {"hak": 12, "ditangguhkan": 0, "menunggu": 8, "sisa": 4}

    adjusted = await client.post(f"/cuti/pegawai/{NIP}/penyesuaian", headers=BKD_ADMIN, json={
        "tahun": 2025, "kolom": "diambil", "selisih": 8,
        "alasan": "Cuti tahunan 2025 tercatat di kartu cuti manual"})
    assert adjusted.status_code == 200, adjusted.text
    mine = (await client.get("/cuti/saya", params={"tahun": 2026}, headers=ASN)).json()
    assert (annual(mine)["ditangguhkan"], annual(mine)["sisa"]) == (4, 8)

    second = await open_leave(client, leave_form("tahunan", "2026-03-16", "2026-03-27"))
    assert second.status_code == 201, second.text
    mine = (await client.get("/cuti/saya", params={"tahun": 2026}, headers=ASN)).json()
    assert (annual(mine)["menunggu"], annual(mine)["sisa"]) == (13, 3)

    over = await open_leave(client, leave_form("tahunan", "2026-06-02", "2026-06-05"))
    assert over.status_code == 422
    [problem] = over.json()["errors"]
    assert (problem["problem"], problem["sisa"], problem["diminta"]) == \
        ("cuti-melebihi-saldo", 3, 4)
    assert "Sisa cuti tahunan 2026 tinggal 3 hari kerja, diminta 4" in problem["message"]
    assert "Pasal 311" in problem["aturan"]

    runtime = runtime_of(app)
    async with runtime.sessions() as session:
        [audit] = (await session.scalars(select(AuditRow).where(
            col(AuditRow.action) == "bkd.leave_adjusted"))).all()
        assert audit.actor_id == "admin-bkd" and audit.detail["selisih"] == 8
        [note] = (await session.scalars(select(AdjustmentRow))).all()
        assert note.reason.startswith("Cuti tahunan 2025")
        employee = await session.get(EmployeeRow, NIP)
        assert employee is not None and "Siti" not in employee.name_sealed  # sealed at rest


async def test_rejection_releases_and_completion_takes_with_the_right_signer(
        svc: tuple[Any, httpx.AsyncClient]) -> None:
    """Rejected at verification: the 8 held days go back (12 left). A second request of 3
    days (Mon 6 - Wed 8 July) walks to step 6: the Sekda's action is refused (the Kepala BKD
    signs a fungsional's leave); through the Kepala BKD to completion: 3 taken, 9 left."""
    _, client = svc
    case = (await open_leave(client, leave_form("tahunan", "2026-05-11", "2026-05-22"))).json()
    for role, action in TO_SIGNING[:2]:
        assert (await act(client, case["id"], role, action)).status_code == 200
    rejected = await act(client, case["id"], "analis_sdm_aparatur", "tolak", "Tidak memenuhi")
    assert rejected.status_code == 200, rejected.text
    mine = (await client.get("/cuti/saya", params={"tahun": 2026}, headers=ASN)).json()
    assert (annual(mine)["menunggu"], annual(mine)["sisa"]) == (0, 12)
    assert mine["usulan"][0]["status"] == "released"

    case = (await open_leave(client, leave_form("tahunan", "2026-07-06", "2026-07-08"))).json()
    for role, action in TO_SIGNING:
        assert (await act(client, case["id"], role, action)).status_code == 200
    wrong = await act(client, case["id"], "staf", "ke_sekda")
    assert wrong.status_code == 422 and wrong.json()["code"] == "cuti-penandatangan-salah"
    assert "ke_kepala_bkd" in wrong.json()["detail"]
    for role, action in [("staf", "ke_kepala_bkd"), ("kepala_dinas", "tandatangani"),
                         ("staf", "unggah"), ("pemohon", "terima")]:
        moved = await act(client, case["id"], role, action)
        assert moved.status_code == 200, (action, moved.text)
    assert moved.json()["status"] == "completed"
    mine = (await client.get("/cuti/saya", params={"tahun": 2026}, headers=ASN)).json()
    assert (annual(mine)["diambil"], annual(mine)["menunggu"], annual(mine)["sisa"]) == \
        (3, 0, 9)
    taken = next(u for u in mine["usulan"] if u["case_id"] == case["id"])
    assert (taken["status"], taken["siasn"]) == ("taken", "queued")


async def test_who_may_use_and_read_the_ledger(svc: tuple[Any, httpx.AsyncClient]) -> None:
    """The NIP belongs to the account of its first request; a bad NIP is a field problem;
    officers read masked names; a citizen reads no one's ledger; only the BKD admin
    adjusts."""
    _, client = svc
    bad = await open_leave(client, leave_form("tahunan", "2026-05-11", "2026-05-12",
                                              nip="19851315201001100"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "nip"
    assert (await client.get("/cuti/saya", headers=ASN)).json()["code"] == "pegawai-bukan-akun"
    assert (await open_leave(client, leave_form("tahunan", "2026-05-11", "2026-05-12"))
            ).status_code == 201
    taken = await open_leave(client, leave_form("tahunan", "2026-05-18", "2026-05-19"), OTHER)
    assert taken.status_code == 403 and taken.json()["code"] == "nip-akun-lain"
    ledger = await client.get(f"/cuti/pegawai/{NIP}", headers=STAF)
    assert ledger.status_code == 200 and ledger.json()["pegawai"]["nama"] == "S*** A***"
    assert (await client.get("/cuti/pegawai", headers=officer("kabid"))).json()[0]["nip"] == NIP
    assert (await client.get(f"/cuti/pegawai/{NIP}", headers=ASN)).status_code == 403
    adjust = {"tahun": 2026, "kolom": "penyesuaian", "selisih": 2,
              "alasan": "Bertugas pada cuti bersama 15 Mei 2026"}
    assert (await client.post(f"/cuti/pegawai/{NIP}/penyesuaian", headers=STAF,
                              json=adjust)).status_code == 403
    done = await client.post(f"/cuti/pegawai/{NIP}/penyesuaian", headers=BKD_ADMIN, json=adjust)
    assert annual(done.json())["sisa"] == 12 + 2 - 2  # 2 held (Mon 11, Tue 12 May)
    negative = await client.post(f"/cuti/pegawai/{NIP}/penyesuaian", headers=BKD_ADMIN,
                                 json={**adjust, "kolom": "diambil", "selisih": -1})
    assert negative.status_code == 422
    assert (await client.get("/cuti/pegawai/123", headers=STAF)).status_code == 422
    assert (await client.get("/cuti/pegawai/199001012015011001",
                             headers=STAF)).status_code == 404


async def test_other_rules_at_opening(svc: tuple[Any, httpx.AsyncClient]) -> None:
    """Cuti melahirkan over 3 months (1 June - 1 Sept) and dates over another request are
    refused; a weekend-and-holiday-only span counts no day; after a cuti besar in July 2026
    no annual leave in 2026; a PPPK (NI 1990-09-13, 2020, code 24) has no cuti besar; CLTN
    needs 5 years' service (TMT 2023: 3 years on 1 June 2026) and a pemberian at most 36
    months."""
    _, client = svc
    long = await open_leave(client, leave_form("bersalin", "2026-06-01", "2026-09-01"))
    assert long.json()["errors"][0]["problem"] == "cuti-melebihi-batas"
    empty = await open_leave(client, leave_form("tahunan", "2026-03-21", "2026-03-24"))
    assert empty.json()["errors"][0]["problem"] == "cuti-tanpa-hari-kerja"
    assert (await open_leave(client, leave_form("sakit", "2026-06-08", "2026-06-10"))
            ).status_code == 201
    overlap = await open_leave(client, leave_form("tahunan", "2026-06-10", "2026-06-12"))
    assert overlap.json()["errors"][0]["problem"] == "cuti-bertumpuk"
    besar = await open_leave(client, leave_form("besar", "2026-07-01", "2026-07-31"))
    assert besar.status_code == 201, besar.text
    after = await open_leave(client, leave_form("tahunan", "2026-11-02", "2026-11-03"))
    assert after.json()["errors"][0]["problem"] == "cuti-tahunan-setelah-cuti-besar"
    pppk = await open_leave(client, leave_form("besar", "2026-07-01", "2026-07-31",
                                               nip="199009132020242014"), OTHER)
    assert pppk.json()["errors"][0]["problem"] == "cuti-jenis-tidak-berhak"  # PP 49/2018
    assert "PPPK" in pppk.json()["errors"][0]["message"]
    for nip, months, problem in (("199001012023011001", 12, "cuti-masa-kerja-kurang"),
                                 (NIP, 40, "cuti-melebihi-batas")):
        body = {"sop_key": "bkd-cuti-diluar-tanggungan-negara", "form": {
            "nip": nip, "nama": "Siti Aminah", "jabatan": "Analis", "unit_kerja": "Bappeda",
            "jenis_usulan": "pemberian", "alasan": "Mengikuti suami tugas belajar",
            "tanggal_mulai": "2026-06-01", "lama_bulan": months,
            "telepon": "+6281234567890"}}
        refused = await client.post("/cases", headers=ASN, json=body)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["problem"] == problem


async def test_a_corrected_request_is_counted_again(svc: tuple[Any, httpx.AsyncClient]) -> None:
    """11-22 May holds 8 days (4 left); returned as incomplete, the ASN corrects the dates
    to Mon 11 - Tue 12 May: the 8 are released and 2 held (10 left). A correction over the
    balance (1 June - 30 June: 22 weekdays - Pancasila 1 June, Tahun Baru Islam 16 June =
    20 > 12) is refused and the earlier hold stays."""
    _, client = svc
    case = (await open_leave(client, leave_form("tahunan", "2026-05-11", "2026-05-22"))).json()
    for role, action in TO_SIGNING[:2]:
        assert (await act(client, case["id"], role, action)).status_code == 200
    returned = await act(client, case["id"], "analis_sdm_aparatur", "tidak_lengkap",
                         "Lampirkan surat permohonan yang ditandatangani")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    url = f"/cases/{case['id']}/actions"
    over = await client.post(url, headers=ASN, json={"action": "lengkapi", "form": {
        "tanggal_mulai": "2026-06-01", "tanggal_selesai": "2026-06-30"}})
    assert over.status_code == 422, over.text
    assert over.json()["errors"][0]["diminta"] == 20
    assert (await client.get(f"/cases/{case['id']}", headers=ASN)).json()["status"] == \
        "returned"
    fixed = await client.post(url, headers=ASN, json={"action": "lengkapi", "form": {
        "tanggal_mulai": "2026-05-11", "tanggal_selesai": "2026-05-12"}})
    assert fixed.status_code == 200, fixed.text
    held = (await client.get(f"/cuti/kasus/{case['id']}", headers=ASN)).json()
    assert (held["hari_kerja"], held["status"]) == (2, "pending")
    mine = (await client.get("/cuti/saya", params={"tahun": 2026}, headers=ASN)).json()
    assert (annual(mine)["menunggu"], annual(mine)["sisa"]) == (2, 10)


async def test_refusals_speak_english_when_asked(svc: tuple[Any, httpx.AsyncClient]) -> None:
    _, client = svc
    body = leave_form("tahunan", "2026-03-21", "2026-03-22")
    answer = await open_leave(client, body, {**ASN, "Accept-Language": "en"})
    assert answer.json()["errors"][0]["message"].startswith("These dates hold no working day")


async def test_a_regency_day_off_is_not_counted(svc: tuple[Any, httpx.AsyncClient],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """HALO_EXTRA_HOLIDAYS=2026-05-12 (a day off the Bupati declares): Mon 11 - Wed 13 May
    counts 11 and 13 only: 2 working days."""
    _, client = svc
    monkeypatch.setenv("HALO_EXTRA_HOLIDAYS", "2026-05-12")
    case = (await open_leave(client, leave_form("tahunan", "2026-05-11", "2026-05-13"))).json()
    held = (await client.get(f"/cuti/kasus/{case['id']}", headers=ASN)).json()
    assert held["hari_kerja"] == 2
