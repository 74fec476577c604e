"""A returned KIA file completed (``lengkapi``) with a corrected form goes through the same
checks as at opening (SQLite and PostgreSQL): a NIK and birth date that disagree, or an age
on the wrong band, answer the same 422 as at opening and the case stays returned with its
form unchanged; a correct correction goes on."""

from __future__ import annotations

import json
from typing import Any

from shared.db.tables import CaseRow
from tests.services.dukcapil.conftest import TOKENS, Dukcapil
from tests.services.dukcapil.test_age_band_api import CITIZEN, KIA05, kia_form, submit
from tests.support.kia import PDF

OPERATOR = TOKENS.headers("op-1", "disdukcapil:operator")
NIK = "1801014505240001"
"""Encodes 5 May 2024 (day 45 - 40 = 5, a girl): 2 years old on 3 December 2026."""


async def returned_case(dk: Dukcapil) -> str:
    status, case = await submit(dk, KIA05, kia_form(NIK, "2024-05-05"))
    assert status == 201, case
    url = f"/cases/{case['id']}/actions"
    assert (await dk.client.post(url, headers=OPERATOR, json={"action": "teruskan"})
            ).status_code == 200
    back = await dk.client.post(url, headers=OPERATOR,
                                json={"action": "tidak_lengkap", "comment": "Tanggal salah"})
    assert back.json()["status"] == "returned"
    return str(case["id"])


async def resubmit(dk: Dukcapil, case_id: str, form: dict[str, str]) -> tuple[int, Any]:
    got = await dk.client.post(f"/cases/{case_id}/actions", headers=CITIZEN,
                               files={"berkas_persyaratan": PDF},
                               data={"data": json.dumps({"action": "lengkapi", "form": form})})
    return got.status_code, got.json()


async def stored_form(dk: Dukcapil, case_id: str) -> tuple[str, dict[str, Any]]:
    runtime = dk.app.state.runtime
    async with runtime.sessions() as session:
        row = await session.get(CaseRow, case_id)
        assert row is not None
        sop = await runtime.cases.sop_for(session, row)
        return row.status, runtime.cases.cipher.open_form(row.form, sop.personal_fields())


def without_instance(problem: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in problem.items() if k not in ("instance", "request_id")}


async def test_a_birth_date_the_nik_does_not_encode_is_refused_as_at_opening(
        dk: Dukcapil) -> None:
    """The NIK encodes 5 May 2024; the correction says 6 May 2024: at opening this form is a
    422 ``invalid-submission`` with ``nik-birth-date-mismatch`` on ``nik_anak``, and so is
    the resubmission. The case stays returned with the birth date it had."""
    status, at_open = await submit(dk, KIA05, kia_form(NIK, "2024-05-06"))
    assert status == 422 and at_open["errors"][0]["problem"] == "nik-birth-date-mismatch"
    case_id = await returned_case(dk)
    status, problem = await resubmit(dk, case_id, {"tanggal_lahir_anak": "2024-05-06"})
    assert status == 422
    assert without_instance(problem) == without_instance(at_open)
    case_status, form = await stored_form(dk, case_id)
    assert case_status == "returned" and form["tanggal_lahir_anak"] == "2024-05-05"
    history = (await dk.client.get(f"/cases/{case_id}/history", headers=CITIZEN)).json()
    assert history[-1]["event"] == "case.returned"


async def test_a_corrected_age_on_the_wrong_band_names_the_right_sop(dk: Dukcapil) -> None:
    """A NIK and birth date of 1 June 2020 (NIK 180101 01 06 20 0001): 6 full years on 3
    December 2026, the KIA 5-17 band; the same 422 ``age-band-other-sop`` as at opening."""
    corrected = {"nik_anak": "1801010106200001", "tanggal_lahir_anak": "2020-06-01"}
    status, at_open = await submit(dk, KIA05, kia_form(corrected["nik_anak"], "2020-06-01"))
    assert status == 422 and at_open["code"] == "age-band-other-sop"
    case_id = await returned_case(dk)
    status, problem = await resubmit(dk, case_id, corrected)
    assert status == 422 and without_instance(problem) == without_instance(at_open)
    assert problem["errors"][0]["sop_key"] == "dukcapil-kia-5-17-tahun"
    case_status, form = await stored_form(dk, case_id)
    assert case_status == "returned" and form["nik_anak"] == NIK


async def test_a_correction_that_agrees_goes_on(dk: Dukcapil) -> None:
    """A new NIK and birth date that agree (1801015006240001: day 50 - 40 = 10 June 2024)
    pass the checks: the case is open again at the file check with the corrected form."""
    case_id = await returned_case(dk)
    status, case = await resubmit(dk, case_id, {"nik_anak": "1801015006240001",
                                                "tanggal_lahir_anak": "2024-06-10"})
    assert status == 200, case
    assert case["status"] == "open" and case["current_step"]["id"] == "verifikasi_berkas"
    case_status, form = await stored_form(dk, case_id)
    assert case_status == "open" and form["tanggal_lahir_anak"] == "2024-06-10"
    assert form["nik_anak"] == "1801015006240001"
