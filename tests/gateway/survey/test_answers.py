"""Answering the survey: once, by the applicant only, after the case closed, with clear
Indonesian field errors; the comment is stored but never logged."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from gateway.survey.tables import SurveyResponseRow
from tests.gateway.survey.support import ALL_FOUR, Cases, survey_stack
from tests.support.problems import assert_indonesian

SHEET = {"u1": 4, "u2": 3, "u3": 3, "u4": 4, "u5": 3, "u6": 4, "u7": 4, "u8": 2, "u9": 3}


async def test_questionnaire_states_and_one_answer(tmp_path: Path) -> None:
    async with survey_stack(tmp_path) as stack:
        cases = Cases(stack)
        case = await cases.add(close=None)
        path = f"/api/v1/survey/{case['tracking_no']}"
        owner = cases.owner(case)

        before = await stack.client.get(path, headers=owner)
        assert before.status_code == 200, before.text
        body = before.json()
        assert (body["state"], body["can_answer"], body["status"]) == ("not_closed", False,
                                                                         "open")
        questions = body["questionnaire"]["elements"]
        assert [q["id"] for q in questions] == [f"u{i}" for i in range(1, 10)]
        assert questions[3]["name"] == {"id": "Biaya/Tarif", "en": "Cost/fee"}
        assert [c["value"] for c in questions[3]["choices"]] == [1, 2, 3, 4]
        assert questions[3]["choices"][3]["label"] == {"id": "Gratis", "en": "Free of charge"}
        assert "14 Tahun 2017" in body["questionnaire"]["source"]

        early = await stack.client.post(path, headers=owner, json={"answers": SHEET})
        assert_indonesian(early, 409, "survey-case-open", "Konflik keadaan",
                          "Survei kepuasan dapat diisi setelah permohonan selesai diproses "
                          "(status saat ini: open).")

        await cases.close(case)
        assert (await stack.client.get(path, headers=owner)).json()["state"] == "open"
        done = await stack.client.post(path, headers=owner, json={
            "answers": SHEET, "comment": "  Cepat, terima kasih. WA saya 0812-3456-7890  "})
        assert done.status_code == 201, done.text
        assert done.json()["answers"] == SHEET and "comment" not in done.json()

        after = (await stack.client.get(path, headers=owner)).json()
        assert (after["state"], after["can_answer"], after["answers"]) == ("answered", False,
                                                                            SHEET)
        again = await stack.client.post(path, headers=owner, json={"answers": ALL_FOUR})
        assert_indonesian(again, 409, "survey-already-answered", "Konflik keadaan",
                          "Survei kepuasan untuk permohonan ini sudah diisi; setiap permohonan "
                          "dinilai satu kali.")
        async with stack.runtime.sessions() as session:
            rows = (await session.scalars(select(SurveyResponseRow))).all()
        assert [(r.case_id, r.agency, r.sop_key, r.scores(), r.comment) for r in rows] == [
            (case["case_id"], "disdukcapil", "dukcapil-kia-0-5-tahun", SHEET,
             "Cepat, terima kasih. WA saya [disamarkan]")]


async def test_two_answers_at_once_one_wins(tmp_path: Path) -> None:
    async with survey_stack(tmp_path) as stack:
        cases = Cases(stack)
        case = await cases.add()
        path = f"/api/v1/survey/{case['tracking_no']}"
        first, second = await asyncio.gather(*(
            stack.client.post(path, headers=cases.owner(case), json={"answers": sheet})
            for sheet in (SHEET, ALL_FOUR)))
        assert sorted([first.status_code, second.status_code]) == [201, 409]


async def test_only_the_applicant_sees_or_answers(tmp_path: Path) -> None:
    async with survey_stack(tmp_path) as stack:
        cases = Cases(stack)
        case = await cases.add()
        path = f"/api/v1/survey/{case['tracking_no']}"
        for who in (stack.headers("warga-lain", "citizen"),
                    stack.headers("op", "disdukcapil:operator"),
                    stack.headers("adm", "disdukcapil:admin"), stack.headers("root", "admin")):
            for response in (await stack.client.get(path, headers=who),
                             await stack.client.post(path, headers=who,
                                                     json={"answers": SHEET})):
                assert response.status_code == 404, response.text
                assert response.json()["code"] == "case-not-found"
        unknown = await stack.client.get("/api/v1/survey/DK-9999-9999",
                                         headers=cases.owner(case))
        assert unknown.status_code == 404
        assert (await stack.client.get(path)).status_code == 401
        # Read back as typed: lower case, without separators.
        compact = case["tracking_no"].replace("-", "").lower()
        mine = await stack.client.get(f"/api/v1/survey/{compact}", headers=cases.owner(case))
        assert mine.status_code == 200 and mine.json()["state"] == "open"


@pytest.mark.parametrize("status", ["completed", "rejected", "archived", "expired"])
async def test_closed_with_an_outcome_may_be_answered(tmp_path: Path, status: str) -> None:
    async with survey_stack(tmp_path) as stack:
        cases = Cases(stack)
        case = await cases.add(close=status)
        response = await stack.client.post(f"/api/v1/survey/{case['tracking_no']}",
                                           headers=cases.owner(case), json={"answers": SHEET})
        assert response.status_code == 201, response.text


async def test_withdrawn_case_is_not_surveyed(tmp_path: Path) -> None:
    async with survey_stack(tmp_path) as stack:
        cases = Cases(stack)
        case = await cases.add(close="withdrawn")
        path = f"/api/v1/survey/{case['tracking_no']}"
        assert (await stack.client.get(path, headers=cases.owner(case))).json()["state"] == (
            "not_eligible")
        response = await stack.client.post(path, headers=cases.owner(case),
                                           json={"answers": SHEET})
        assert_indonesian(response, 409, "survey-not-eligible", "Konflik keadaan",
                          "Permohonan yang ditutup dengan status 'withdrawn' tidak termasuk "
                          "survei kepuasan.")


async def test_validation_errors_name_each_field_in_indonesian(tmp_path: Path) -> None:
    async with survey_stack(tmp_path) as stack:
        cases = Cases(stack)
        case = await cases.add()
        answers: dict[str, object] = {**SHEET, "u2": 0, "u3": 5, "u4": "3", "u5": 2.5,
                                      "u6": True, "u10": 4}
        del answers["u9"]
        response = await stack.client.post(
            f"/api/v1/survey/{case['tracking_no']}", headers=cases.owner(case),
            json={"answers": answers, "comment": "x" * 1001})
        problem = assert_indonesian(response, 422, "validation-error",
                                    "Data tidak dapat diproses",
                                    "Permintaan tidak valid; periksa kolom yang disebutkan.")
        errors = {e["field"]: e["message"] for e in problem["errors"]}
        assert errors == {
            "body.answers.u2": "Minimal 1.", "body.answers.u3": "Maksimal 4.",
            "body.answers.u4": "Harus berupa bilangan bulat.",
            "body.answers.u5": "Harus berupa bilangan bulat.",
            "body.answers.u6": "Harus berupa bilangan bulat.",
            "body.answers.u9": "Wajib diisi.", "body.answers.u10": "Kolom ini tidak dikenal.",
            "body.comment": "Terlalu panjang (maksimal 1000 karakter)."}
        assert "x" * 20 not in response.text
        missing = await stack.client.post(f"/api/v1/survey/{case['tracking_no']}",
                                          headers=cases.owner(case), json={})
        assert {e["field"] for e in missing.json()["errors"]} == {"body.answers"}
        async with stack.runtime.sessions() as session:
            assert (await session.scalars(select(SurveyResponseRow))).all() == []


async def test_the_comment_is_never_logged(tmp_path: Path,
                                           caplog: pytest.LogCaptureFixture) -> None:
    secret = "Petugas loket 3 bernama Siti sangat membantu"
    async with survey_stack(tmp_path) as stack:
        cases = Cases(stack)
        case = await cases.add()
        # Every logger at the production level, ours at DEBUG too. (A database driver's own
        # DEBUG output echoes SQL parameters; it is never switched on in production.)
        caplog.set_level(logging.INFO)
        with caplog.at_level(logging.DEBUG, logger="halo"):
            response = await stack.client.post(
                f"/api/v1/survey/{case['tracking_no']}", headers=cases.owner(case),
                json={"answers": SHEET, "comment": secret})
            again = await stack.client.post(
                f"/api/v1/survey/{case['tracking_no']}", headers=cases.owner(case),
                json={"answers": SHEET, "comment": secret})
        assert (response.status_code, again.status_code) == (201, 409)
        assert caplog.records, "the request log lines were captured"
        for record in caplog.records:
            assert "Siti" not in record.getMessage()
            assert "Siti" not in str(record.__dict__)
