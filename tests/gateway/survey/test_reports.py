"""IKM reports: the numbers per unsur, per agency and per SOP, the population and the sample
warning; who may read them; the public page without comments or thin cells."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.gateway.survey.support import Cases, survey_stack
from tests.support.problems import assert_indonesian

KIA = "dukcapil-kia-0-5-tahun"
AKTA = "dukcapil-akta-kelahiran"
# The five sheets of the worked example in test_domain.py: IKM 148/45, × 25 = 82.22, B.
SHEETS = [
    [4, 3, 3, 4, 3, 4, 4, 2, 3],
    [3, 3, 2, 4, 3, 3, 4, 3, 3],
    [4, 4, 3, 4, 4, 4, 4, 3, 4],
    [3, 2, 2, 4, 3, 3, 3, 2, 3],
    [4, 3, 3, 4, 3, 4, 4, 3, 3],
]
COMMENT = "Antrean di loket panjang"


def sheet(scores: list[int]) -> dict[str, int]:
    return {f"u{i}": s for i, s in enumerate(scores, start=1)}


async def seeded(cases: Cases) -> None:
    """disdukcapil: KIA 6 cases closed (5 answered), 1 withdrawn, 1 open; AKTA 2 closed
    (1 answered, all 2s); dinkes: 1 closed and answered."""
    client = cases.stack.client
    for i, scores in enumerate(SHEETS):
        case = await cases.add(sop=KIA)
        body: dict[str, Any] = {"answers": sheet(scores)}
        if i == 0:
            body["comment"] = COMMENT
        response = await client.post(f"/api/v1/survey/{case['tracking_no']}",
                                     headers=cases.owner(case), json=body)
        assert response.status_code == 201, response.text
    await cases.add(sop=KIA)
    await cases.add(sop=KIA, close="withdrawn")
    await cases.add(sop=KIA, close=None)
    akta = await cases.add(sop=AKTA, close="rejected")
    await cases.add(sop=AKTA)
    response = await client.post(f"/api/v1/survey/{akta['tracking_no']}",
                                 headers=cases.owner(akta), json={"answers": sheet([2] * 9)})
    assert response.status_code == 201
    other = await cases.add(agency="dinkes", sop="kesehatan-sip", service="umum")
    response = await client.post(f"/api/v1/survey/{other['tracking_no']}",
                                 headers=cases.owner(other), json={"answers": sheet([4] * 9)})
    assert response.status_code == 201


async def test_agency_report_per_unsur_and_per_sop(tmp_path: Path) -> None:
    async with survey_stack(tmp_path) as stack:
        await seeded(Cases(stack))
        response = await stack.client.get("/api/v1/survey/reports?agency=disdukcapil",
                                          headers=stack.headers("adm", "disdukcapil:admin"))
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["agency_name"] == "Dinas Kependudukan dan Pencatatan Sipil"
        assert report["period"] == {"from": "2026-01-01", "to": "2026-11-30",
                                    "basis": "answered_at"}
        unit = report["unit"]
        # Six sheets: the five of the example plus one of all 2s. Σ per unsur = the
        # example's + 2: 20, 17, 15, 22, 18, 20, 21, 15, 18 (Σ 166); NRR = Σ / 6;
        # IKM = 166 / 54 = 3.0741; × 25 = 76.85 -> B, Baik.
        assert [e["total"] for e in unit["elements"]] == [20, 17, 15, 22, 18, 20, 21, 15, 18]
        assert [e["answered"] for e in unit["elements"]] == [6] * 9
        assert unit["elements"][0] == {"id": "u1", "name": "Persyaratan", "total": 20,
                                       "answered": 6, "nrr": 3.333, "nrr_weighted": 0.3704}
        assert (unit["ikm"], unit["ikm_conversion"], unit["quality"]) == (3.0741, 76.85, "B")
        assert unit["performance"] == {"id": "Baik", "en": "Good"}
        # Population: 8 closed with an outcome (withdrawn and open do not count);
        # Krejcie–Morgan gives 10 for 8, capped at the population: 8 > 6 respondents.
        assert (unit["respondents"], unit["population"], unit["minimum_sample"]) == (6, 8, 8)
        assert unit["sample_sufficient"] is False
        assert unit["warning"] == (
            "Jumlah responden (6) kurang dari sampel minimal 8 untuk populasi 8 permohonan "
            "(tabel Krejcie dan Morgan, Permen PANRB 14/2017): hasil ini belum dapat dianggap "
            "mewakili pengguna layanan.")

        per_sop = {s["sop_key"]: s for s in report["per_sop"]}
        assert set(per_sop) == {KIA, AKTA}
        kia, akta = per_sop[KIA], per_sop[AKTA]
        assert (kia["ikm_conversion"], kia["quality"], kia["respondents"],
                kia["population"], kia["minimum_sample"]) == (82.22, "B", 5, 6, 6)
        assert kia["title"] == f"Layanan {KIA}"
        assert (akta["ikm"], akta["ikm_conversion"], akta["quality"]) == (2.0, 50.0, "D")
        assert akta["performance"]["id"] == "Tidak baik"
        assert report["comments"] == [{"sop_key": KIA, "answered_on": "2026-11-30",
                                       "text": COMMENT}]
        assert "DK-" not in response.text  # no tracking number, no case, no person

        only_kia = (await stack.client.get(
            f"/api/v1/survey/reports?agency=disdukcapil&sop_key={KIA}",
            headers=stack.headers("root", "admin"))).json()
        assert only_kia["unit"]["ikm_conversion"] == 82.22
        assert [s["sop_key"] for s in only_kia["per_sop"]] == [KIA]

        english = await stack.client.get("/api/v1/survey/reports?agency=disdukcapil",
                                         headers={**stack.headers("root", "admin"),
                                                  "Accept-Language": "en"})
        assert english.json()["unit"]["warning"].startswith("The respondents (6) are fewer")
        assert english.json()["unit"]["elements"][8]["name"] == "Facilities and infrastructure"


async def test_who_may_read_a_report(tmp_path: Path) -> None:
    async with survey_stack(tmp_path) as stack:
        await seeded(Cases(stack))
        path = "/api/v1/survey/reports?agency=disdukcapil"
        for who in (stack.headers("adm", "disdukcapil:admin"), stack.headers("root", "admin")):
            assert (await stack.client.get(path, headers=who)).status_code == 200
        for who in (stack.headers("adm2", "dinkes:admin"),
                    stack.headers("op", "disdukcapil:operator"),
                    stack.headers("kadis", "disdukcapil:kepala_dinas"),
                    stack.headers("warga-1", "citizen")):
            response = await stack.client.get(path, headers=who)
            assert response.status_code == 403 and response.json()["code"] == "forbidden"
        own = await stack.client.get("/api/v1/survey/reports?agency=dinkes",
                                     headers=stack.headers("adm2", "dinkes:admin"))
        assert own.status_code == 200 and own.json()["unit"]["respondents"] == 1
        assert (await stack.client.get(path)).status_code == 401
        unknown = await stack.client.get("/api/v1/survey/reports?agency=dinas-antah",
                                         headers=stack.headers("root", "admin"))
        assert_indonesian(unknown, 404, "survey-agency-not-found", "Tidak ditemukan",
                          "Instansi 'dinas-antah' tidak dikenal.")


async def test_the_period_counts_answers_by_when_they_were_given(tmp_path: Path) -> None:
    async with survey_stack(tmp_path) as stack:
        cases = Cases(stack)
        await seeded(cases)
        stack.clock.advance(days=3)  # 2026-12-03
        late = await cases.add(sop=KIA)
        response = await stack.client.post(f"/api/v1/survey/{late['tracking_no']}",
                                           headers=cases.owner(late),
                                           json={"answers": sheet([3] * 9)})
        assert response.status_code == 201
        admin = stack.headers("root", "admin")
        december = (await stack.client.get(
            "/api/v1/survey/reports?agency=disdukcapil&from=2026-12-01&to=2026-12-31",
            headers=admin)).json()
        # Answered in December: the one sheet (all 3s: 75.00, C); closed in December: the
        # same case (closed on 1 December, answered on the 3rd).
        assert december["unit"]["respondents"] == 1
        assert (december["unit"]["ikm_conversion"], december["unit"]["quality"]) == (75.0, "C")
        assert december["unit"]["population"] == 1 and december["unit"]["warning"] is None
        assert december["comments"] == []
        november = (await stack.client.get(
            "/api/v1/survey/reports?agency=disdukcapil&from=2026-11-01&to=2026-11-30",
            headers=admin)).json()
        assert november["unit"]["respondents"] == 6
        backwards = await stack.client.get(
            "/api/v1/survey/reports?agency=disdukcapil&from=2026-12-31&to=2026-12-01",
            headers=admin)
        assert_indonesian(backwards, 422, "survey-period-invalid", "Data tidak dapat diproses",
                          "Periode tidak valid: tanggal awal (2026-12-31) sesudah tanggal akhir "
                          "(2026-12-01).")


async def test_public_page_shows_the_aggregate_only(tmp_path: Path) -> None:
    async with survey_stack(tmp_path) as stack:
        await seeded(Cases(stack))
        response = await stack.client.get("/api/v1/survey/public/disdukcapil")
        assert response.status_code == 200, response.text
        page = response.json()
        assert (page["agency_name"], page["published"], page["ikm_conversion"],
                page["quality"]) == ("Dinas Kependudukan dan Pencatatan Sipil", True, 76.85, "B")
        assert page["performance"] == {"id": "Baik", "en": "Good"}
        assert (page["respondents"], page["population"], page["minimum_sample"],
                page["sample_sufficient"]) == (6, 8, 8, False)
        assert page["warning"].startswith("Jumlah responden (6) kurang dari sampel minimal 8")
        assert "comments" not in page and "elements" not in page and "per_sop" not in page
        assert COMMENT not in response.text and "DK-" not in response.text

        thin = (await stack.client.get("/api/v1/survey/public/dinkes")).json()
        assert (thin["published"], thin["respondents"], thin["ikm_conversion"],
                thin["quality"], thin["performance"]) == (False, 1, None, None, None)
        assert thin["notice"] == ("Nilai belum ditampilkan: baru 1 responden, paling sedikit 5 "
                                  "diperlukan agar penilaian perorangan tidak dapat dikenali.")
        unknown = await stack.client.get("/api/v1/survey/public/dinas-antah")
        assert unknown.status_code == 404
        empty = (await stack.client.get("/api/v1/survey/public/damkar")).json()
        assert (empty["respondents"], empty["population"], empty["published"]) == (0, 0, False)
        assert empty["sample_sufficient"] is True and empty["warning"] is None
