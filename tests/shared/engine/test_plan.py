"""The step table of an SOP version (``shared.engine.plan``): one per definition object, what
it reads of each step, the form's checks made once, and gone with the definition."""

from __future__ import annotations

import gc
from datetime import date

from shared.engine import plan as plan_module
from shared.engine.plan import plan_for
from shared.engine.submission import InputChecks, check_submission
from shared.sop.model import SopDefinition
from tests.support.sops import spot_sop

TODAY = date(2026, 8, 12)


def _kia() -> SopDefinition:
    return spot_sop("dukcapil", "dukcapil-kia-0-5-tahun")


def test_one_table_per_definition_object() -> None:
    sop = _kia()
    assert plan_for(sop) is plan_for(sop)
    twin = sop.model_copy(deep=True)
    assert twin == sop
    assert plan_for(twin) is not plan_for(sop)


def test_the_table_reads_each_step_of_the_definition() -> None:
    sop = _kia()
    plan = plan_for(sop)
    assert list(plan.steps) == [s.id for s in sop.steps]
    assert plan.start.id == "pendaftaran"
    applicant = plan.steps["pendaftaran"]
    assert applicant.role_key is None
    assert [a.name for a in applicant.forward] == ["ajukan"]
    siak = plan.steps["verifikasi_siak"]
    assert siak.role_key == "disdukcapil:kabid"
    assert siak.step is sop.step("verifikasi_siak")
    assert list(siak.actions) == ["sampaikan_ke_kadis", "tolak"]
    assert siak.std is not None and (siak.std.unit, siak.std.amount) == ("minute", 10)
    assert siak.calendar == "office" and not siak.automatic and siak.auto_wait is None
    verify = plan.steps["verifikasi_berkas"]
    assert [a.name for a in verify.forward] == ["lengkap"]  # the return is not a forward


def test_a_receipt_step_knows_its_confirmation_wait() -> None:
    sop = spot_sop("umum", "bpkad-buku-tamu-elektronik")
    receipt = next(s for s in sop.steps if s.confirms_receipt)
    step = plan_for(sop).steps[receipt.id]
    assert step.confirms_receipt
    assert step.auto_wait is not None
    assert (step.auto_wait.unit, step.auto_wait.amount) == ("working_day", 10)


def test_the_form_checks_are_made_once_and_give_the_same_problems() -> None:
    sop = _kia()
    form = {"nik_anak": "1801010101200000", "nama_anak": "", "tanggal_lahir_anak": "2024-02-30",
            "nomor_kk": "1801010101200002", "pengambilan": "pos", "lain": 1}
    found = check_submission(sop, form, {"surat"}, today=TODAY)
    checks = plan_for(sop).form_checks
    assert isinstance(checks, InputChecks)
    assert check_submission(sop, form, {"surat"}, today=TODAY) == found
    assert plan_for(sop).form_checks is checks
    assert found == [
        {"field": "lain", "problem": "unknown-field"},
        {"field": "nik_anak", "problem": "nik-serial"},
        {"field": "nama_anak", "problem": "required"},
        {"field": "tanggal_lahir_anak", "problem": "not-date"},
        {"field": "pengambilan", "problem": "not-a-choice"},
        {"field": "documents.surat", "problem": "unknown-document"},
        {"field": "documents.berkas_persyaratan", "problem": "required"},
    ]


def test_the_table_goes_with_its_definition() -> None:
    sop = _kia().model_copy(deep=True)
    plan_for(sop)
    key = id(sop)
    assert key in plan_module._PLANS
    del sop
    gc.collect()
    assert key not in plan_module._PLANS
