"""The age band chooses the SOP, through the service API (SQLite and PostgreSQL): an
application on the wrong SOP is a 422 that names the right one, and writes nothing."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select

from shared.db.tables import CaseRow
from tests.services.dukcapil.conftest import TOKENS, WIB, Dukcapil
from tests.support.kia import PDF

CITIZEN = TOKENS.headers("warga-a", "citizen")
KIA05 = "dukcapil-kia-0-5-tahun"
KIA517 = "dukcapil-kia-5-17-tahun"
AKTA60 = "dukcapil-akta-kelahiran-1-60-hari"
AKTA_LATE = "dukcapil-akta-kelahiran-lebih-60-hari"
KK = "1801012202200003"
AKTA_DOCS = {"surat_keterangan_kelahiran": PDF, "kk": PDF, "ktp_el_orang_tua": PDF}


def kia_form(nik: str, born: str) -> dict[str, str]:
    return {"nik_anak": nik, "nama_anak": "Siti Aminah", "tanggal_lahir_anak": born,
            "nomor_kk": KK, "nama_orang_tua": "Aminah", "telepon": "+6281234567890",
            "pengambilan": "ambil_di_mpp"}


def akta_form(born: str) -> dict[str, str]:
    return {"nama_anak": "Bayi Uji", "tanggal_lahir_anak": born, "tempat_lahir_anak": "Kalianda",
            "jenis_kelamin": "perempuan", "nik_ibu": "1801015203950002", "nama_ibu": "Aminah",
            "nomor_kk": KK, "telepon": "+6281234567890", "pengambilan": "ambil_di_mpp"}


async def submit(dk: Dukcapil, sop: str, form: dict[str, str], *,
                 lang: str | None = None) -> tuple[int, dict]:
    keys = {KIA05: {"berkas_persyaratan": PDF},
            KIA517: {"akta_kelahiran": PDF, "kk_orang_tua": PDF, "ktp_el_orang_tua": PDF,
                     "pas_foto": ("foto.pdf", PDF[1], "application/pdf")}}
    files = keys.get(sop, AKTA_DOCS)
    if sop == KIA05:
        form = {k: v for k, v in form.items() if k not in ("nama_orang_tua", "telepon")}
    headers = {**CITIZEN, **({"Accept-Language": lang} if lang else {})}
    response = await dk.client.post("/cases", headers=headers, files=files,
                                    data={"data": json.dumps({"sop_key": sop, "form": form})})
    return response.status_code, response.json()


async def cases(dk: Dukcapil) -> int:
    async with dk.app.state.runtime.sessions() as session:
        return await session.scalar(select(func.count()).select_from(CaseRow)) or 0


async def test_a_six_year_old_on_the_kia_0_5_is_sent_to_the_kia_5_17(dk: Dukcapil) -> None:
    """Born 1 June 2020 (NIK 180101 01 06 20 0001), submitted 3 December 2026: the sixth
    birthday has passed, 2026 - 2020 = 6 full years."""
    before = await cases(dk)
    status, problem = await submit(dk, KIA05, kia_form("1801010106200001", "2020-06-01"))
    assert status == 422 and problem["code"] == "age-band-other-sop"
    assert problem["detail"] == ("Anak berusia 6 tahun: ajukan lewat KIA usia 5-17 tahun "
                                 "(dukcapil-kia-5-17-tahun).")
    [error] = problem["errors"]
    assert error["field"] == "tanggal_lahir_anak" and error["sop_key"] == KIA517
    assert "1801010106200001" not in json.dumps(problem)
    assert await cases(dk) == before
    status, opened = await submit(dk, KIA517, kia_form("1801010106200001", "2020-06-01"))
    assert status == 201, opened


async def test_the_fifth_birthday_itself_belongs_to_the_kia_5_17(dk: Dukcapil) -> None:
    """Born 3 December 2021, submitted on 3 December 2026: exactly 5 full years."""
    status, problem = await submit(dk, KIA05, kia_form("1801010312210001", "2021-12-03"))
    assert status == 422 and problem["errors"][0]["sop_key"] == KIA517
    dk.clock.now = datetime(2026, 12, 2, 23, 59, tzinfo=WIB)  # the day before: still 4
    status, opened = await submit(dk, KIA05, kia_form("1801010312210001", "2021-12-03"))
    assert status == 201, opened


async def test_the_day_is_the_day_in_jakarta(dk: Dukcapil) -> None:
    """17:30 UTC on 2 December is 00:30 WIB on 3 December: the child is 5 already."""
    dk.clock.now = datetime.fromisoformat("2026-12-02T17:30:00+00:00")
    status, problem = await submit(dk, KIA05, kia_form("1801010312210001", "2021-12-03"))
    assert status == 422 and problem["errors"][0]["sop_key"] == KIA517


async def test_seventeen_has_no_kia(dk: Dukcapil) -> None:
    status, problem = await submit(dk, KIA517, kia_form("1801010312090001", "2009-12-03"))
    assert status == 422 and problem["code"] == "kia-too-old"
    assert problem["detail"].startswith("Anak sudah berusia 17 tahun")


async def test_birth_reports_by_days_since_the_birth(dk: Dukcapil) -> None:
    """5 October -> 3 December 2026: 26 days left in October + 30 in November + 3 = 59:
    the 1-60 SOP; 3 October: 61 days, the later one (English on request)."""
    status, opened = await submit(dk, AKTA60, akta_form("2026-10-05"))
    assert status == 201, opened
    status, problem = await submit(dk, AKTA60, akta_form("2026-10-03"), lang="en")
    assert status == 422 and problem["errors"][0]["sop_key"] == AKTA_LATE
    assert problem["detail"] == ("The child is 61 days old: apply through Birth certificate, "
                                 "older than 60 days (dukcapil-akta-kelahiran-lebih-60-hari).")
    status, problem = await submit(dk, AKTA_LATE, akta_form("2026-10-05"))
    assert status == 422 and problem["errors"][0]["sop_key"] == AKTA60
    assert "59 hari" in problem["detail"]


async def test_a_nik_that_disagrees_with_the_birth_date_is_a_field_problem(dk: Dukcapil) -> None:
    status, problem = await submit(dk, KIA05, kia_form("1801014505240001", "2024-05-06"))
    assert status == 422 and problem["code"] == "invalid-submission"
    [error] = problem["errors"]
    assert error["field"] == "nik_anak" and error["problem"] == "nik-birth-date-mismatch"
    assert error["message"] == "Tanggal lahir pada NIK tidak sama dengan isian tanggal_lahir_anak."


async def test_a_father_s_nik_as_the_mother_s_is_refused(dk: Dukcapil) -> None:
    form = {**akta_form("2026-11-20"), "nik_ibu": "1801011203950002"}
    status, problem = await submit(dk, AKTA60, form)
    assert status == 422 and problem["errors"][0]["problem"] == "nik-not-female"


async def test_the_age_check_route_names_the_sop(dk: Dukcapil) -> None:
    answer = await dk.client.post("/usia/periksa", json={"layanan": "kia",
                                                         "tanggal_lahir": "2021-12-03"})
    assert answer.status_code == 200
    assert answer.json() == {"layanan": "kia", "tanggal": "2026-12-03", "usia_tahun": 5,
                             "usia_hari": 1826, "sop_key": KIA517,
                             "nama": "KIA usia 5-17 tahun"}
    answer = await dk.client.post("/usia/periksa", json={
        "layanan": "akta_kelahiran", "tanggal_lahir": "2026-10-04", "tanggal": "2026-12-03"})
    assert answer.json()["usia_hari"] == 60 and answer.json()["sop_key"] == AKTA60
    late = await dk.client.post("/usia/periksa", json={"layanan": "kia",
                                                       "tanggal_lahir": "2009-12-03"})
    assert late.json()["sop_key"] is None and late.json()["usia_tahun"] == 17
    ahead = await dk.client.post("/usia/periksa", json={"layanan": "kia",
                                                        "tanggal_lahir": "2026-12-04"})
    assert ahead.status_code == 422 and ahead.json()["code"] == "age-birth-in-future"
    wrong = await dk.client.post("/usia/periksa", json={"layanan": "ktp",
                                                        "tanggal_lahir": "2020-01-01"})
    assert wrong.status_code == 422
    assert wrong.headers["content-type"].startswith("application/problem+json")
