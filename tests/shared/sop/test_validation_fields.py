"""The SOP validator on the fields of each step: agencies and roles known to the registry
(``disdukcapil`` has operator, staf, kabid and kepala_dinas; not ``sekretaris``), applicant vs.
officer steps, standard times and return deadlines, escalation roles and required fields.

Each broken definition must be refused with every problem named by SOP and step. The sample
definition and its mutations are in ``tests.support.sop_mutations``.
"""

from __future__ import annotations

from typing import Any

import pytest

from shared.sop.loader import parse_sop
from shared.sop.validate import SopValidationError
from tests.support.sop_mutations import (
    KEY,
    NOT_POSITIVE,
    REGISTRY,
    UNREADABLE,
    Mutation,
    applicant_not_pemohon,
    deadline_of,
    external_without_time,
    local_role_of_another_agency,
    missing_activity,
    officer_as_pemohon,
    officer_without_time,
    role_of_another_agency,
    step,
    time_of,
    unknown_agency,
    unknown_escalation,
    unknown_role,
    unknown_step_agency,
    valid,
)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        pytest.param(unknown_agency, [
            (None, "instansi 'dinas-fiktif' tidak ada di registri"),
            ("verifikasi", "instansi 'dinas-fiktif' tidak ada di registri"),
            ("persetujuan", "instansi 'dinas-fiktif' tidak ada di registri"),
        ], id="unknown-agency"),
        pytest.param(unknown_step_agency, [
            ("persetujuan", "instansi 'dinas-fiktif' tidak ada di registri")],
            id="unknown-step-agency"),
        pytest.param(role_of_another_agency, [
            ("persetujuan", "peran 'sekretaris' tidak terdaftar untuk instansi 'disdukcapil'")],
            id="role-not-in-agency"),
        pytest.param(local_role_of_another_agency, [
            ("persetujuan",
             "peran 'petugas_pemadam' tidak terdaftar untuk instansi 'disdukcapil'")],
            id="local-role-of-other-agency"),
        pytest.param(unknown_role, [
            ("persetujuan", "peran 'lurah' tidak terdaftar untuk instansi 'disdukcapil'")],
            id="unknown-role"),
        pytest.param(applicant_not_pemohon, [
            ("pengajuan", "langkah pemohon harus berperan 'pemohon', bukan 'operator'")],
            id="applicant-step-not-pemohon"),
        pytest.param(officer_as_pemohon, [
            ("verifikasi", "peran 'pemohon' tidak terdaftar untuk instansi 'disdukcapil'")],
            id="officer-step-with-pemohon"),
        pytest.param(officer_without_time, [
            ("verifikasi", "langkah petugas/eksternal harus punya waktu standar")],
            id="officer-step-without-time"),
        pytest.param(external_without_time, [
            ("persetujuan", "langkah petugas/eksternal harus punya waktu standar")],
            id="external-step-without-time"),
        pytest.param(time_of("secepatnya"), [
            ("verifikasi", f"Waktu standar 'secepatnya' {UNREADABLE}")], id="unreadable-time"),
        pytest.param(time_of("0 menit"), [
            ("verifikasi", f"Waktu standar '0 menit' {NOT_POSITIVE}")], id="zero-time"),
        pytest.param(time_of("-5 menit"), [
            ("verifikasi", f"Waktu standar '-5 menit' {UNREADABLE}")], id="negative-time"),
        pytest.param(deadline_of("0 hari kerja"), [
            ("verifikasi", "batas waktu aksi 'kembalikan': "
                           f"Waktu standar '0 hari kerja' {NOT_POSITIVE}")],
            id="zero-return-deadline"),
        pytest.param(deadline_of("segera"), [
            ("verifikasi", "batas waktu aksi 'kembalikan': "
                           f"Waktu standar 'segera' {UNREADABLE}")],
            id="unreadable-return-deadline"),
        pytest.param(unknown_escalation, [
            ("verifikasi", "peran eskalasi 'lurah' tidak terdaftar untuk instansi 'disdukcapil'")],
            id="unknown-escalation"),
        pytest.param(missing_activity, [
            ("verifikasi", "steps.1.activity: Field required")], id="model-error-names-step"),
    ],
)
def test_validator_names_the_sop_and_step_of_each_problem(
    mutate: Mutation, expected: list[tuple[str | None, str]]
) -> None:
    data = valid()
    mutate(data)
    with pytest.raises(SopValidationError) as raised:
        parse_sop(data, REGISTRY)
    error = raised.value
    assert [(p.sop, p.step, p.message) for p in error.problems] == [
        (KEY, s, m) for s, m in expected]
    assert error.source is None
    for problem in error.problems:
        where = f"SOP {KEY}" + (f", langkah {problem.step}" if problem.step else "")
        assert str(problem) == f"{where}: {problem.message}"
        assert str(problem) in str(error)


def rsud_escalates_to_wadir(d: dict[str, Any]) -> None:
    d.update(agency="rsud-bob-bazar", service="pengaduan")
    step(d, "persetujuan")["escalate_to"] = "wadir"  # RSUD's own management role


def escalates_to_role_outside_agency(d: dict[str, Any]) -> None:
    step(d, "verifikasi")["escalate_to"] = "sekretaris"  # disdukcapil has no sekretaris


def test_escalation_to_an_agency_local_role_is_accepted() -> None:
    data = valid()
    rsud_escalates_to_wadir(data)
    sop = parse_sop(data, REGISTRY)
    assert sop.step("persetujuan").escalate_to == "wadir"


def test_escalation_to_a_role_the_agency_does_not_have_is_refused() -> None:
    data = valid()
    escalates_to_role_outside_agency(data)
    with pytest.raises(SopValidationError):
        parse_sop(data, REGISTRY)

