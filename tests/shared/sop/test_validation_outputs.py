"""The SOP validator on the outputs a definition declares (its products): the issuing step
exists and has a way forward that is not a rejection, the named action is one of those, the
signer is a role of the step's agency (or the step is an officer's, never the applicant's),
the validity reads as a standard time, the archive code has the 470 / 503.1 shape, and no
product is declared twice.

The sample definition is ``tests.support.sop_mutations.valid`` (pengajuan by the applicant,
verifikasi by the operator, persetujuan by the kabid: setujui -> @completed, tolak ->
@rejected) with one output issued when the kabid approves.
"""

from __future__ import annotations

from typing import Any

import pytest

from shared.sop.loader import parse_sop
from shared.sop.validate import SopValidationError
from tests.support.sop_mutations import KEY, REGISTRY, UNREADABLE, step, valid

TITLE = "Surat Keterangan Uji"
WHAT = f"keluaran '{TITLE}'"


def with_output(**changes: Any) -> dict[str, Any]:
    """The sample definition with one output, its fields changed (None removes a field)."""
    output: dict[str, Any] = {"kind": "surat_keterangan", "title": TITLE, "step": "persetujuan",
                              "action": "setujui", "signer": "kepala_dinas",
                              "validity": "6 bulan", "code": "470.1"}
    output.update(changes)
    data = valid()
    data["outputs"] = [{k: v for k, v in output.items() if v is not None}]
    return data


def problems(data: dict[str, Any]) -> list[tuple[str | None, str]]:
    with pytest.raises(SopValidationError) as raised:
        parse_sop(data, REGISTRY)
    assert all(p.sop == KEY for p in raised.value.problems)
    return [(p.step, p.message) for p in raised.value.problems]


def test_a_complete_output_is_accepted_and_kept() -> None:
    sop = parse_sop(with_output(), REGISTRY)
    (output,) = sop.outputs
    assert (output.kind, output.title, output.step, output.action, output.signer,
            output.validity, output.code) == ("surat_keterangan", TITLE, "persetujuan",
                                              "setujui", "kepala_dinas", "6 bulan", "470.1")


def test_an_output_with_only_kind_title_and_officer_step_is_accepted() -> None:
    sop = parse_sop(with_output(action=None, signer=None, validity=None, code=None), REGISTRY)
    assert sop.outputs[0].signer is None and sop.outputs[0].action is None


def test_an_output_on_a_missing_step_is_refused() -> None:
    assert problems(with_output(step="tidak_ada")) == [
        (None, f"{WHAT} diterbitkan pada langkah 'tidak_ada' yang tidak ada")]


def test_an_action_of_another_step_is_refused() -> None:
    assert problems(with_output(action="lengkap")) == [
        ("persetujuan", f"{WHAT}: aksi 'lengkap' bukan aksi maju langkah 'persetujuan' yang "
                        "tidak menuju @rejected")]


def test_an_action_leading_to_rejected_is_refused() -> None:
    assert problems(with_output(action="tolak")) == [
        ("persetujuan", f"{WHAT}: aksi 'tolak' bukan aksi maju langkah 'persetujuan' yang "
                        "tidak menuju @rejected")]


def test_a_return_action_is_refused() -> None:
    assert problems(with_output(step="verifikasi", action="kembalikan", signer=None)) == [
        ("verifikasi", f"{WHAT}: aksi 'kembalikan' bukan aksi maju langkah 'verifikasi' yang "
                       "tidak menuju @rejected")]


def test_a_step_that_only_rejects_cannot_issue() -> None:
    data = with_output(action=None)
    step(data, "verifikasi")["actions"].append({"name": "tolak", "to": "@rejected"})
    step(data, "persetujuan")["actions"] = [{"name": "tolak", "to": "@rejected"}]
    assert problems(data) == [
        ("persetujuan", f"{WHAT}: langkah 'persetujuan' tidak punya aksi maju yang tidak "
                        "menuju @rejected")]


def test_a_step_with_an_archive_exit_can_issue() -> None:
    data = with_output(action=None)
    step(data, "persetujuan")["actions"] = [{"name": "arsipkan", "to": "@archived"},
                                            {"name": "tolak", "to": "@rejected"}]
    assert parse_sop(data, REGISTRY).outputs[0].step == "persetujuan"


@pytest.mark.parametrize(("signer", "agency"), [
    pytest.param("sekretaris", "disdukcapil", id="platform-role-the-agency-lacks"),
    pytest.param("petugas_pemadam", "disdukcapil", id="another-agency-local-role"),
    pytest.param("pemohon", "disdukcapil", id="the-applicant"),
])
def test_a_signer_the_agency_does_not_have_is_refused(signer: str, agency: str) -> None:
    assert problems(with_output(signer=signer)) == [
        ("persetujuan", f"{WHAT}: penanda tangan '{signer}' tidak terdaftar untuk instansi "
                        f"'{agency}'")]


def test_the_signer_is_checked_against_the_step_agency() -> None:
    data = with_output(signer="wadir")  # RSUD's own management role
    step(data, "persetujuan")["agency"] = "rsud-bob-bazar"
    assert parse_sop(data, REGISTRY).outputs[0].signer == "wadir"
    assert problems(with_output(signer="wadir")) == [
        ("persetujuan", f"{WHAT}: penanda tangan 'wadir' tidak terdaftar untuk instansi "
                        "'disdukcapil'")]


def test_an_applicant_step_needs_a_named_signer() -> None:
    assert problems(with_output(step="pengajuan", action=None, signer=None)) == [
        ("pengajuan", f"{WHAT}: tanpa penanda tangan, langkah 'pengajuan' harus langkah "
                      "petugas/eksternal (pemohon tidak dapat menandatangani)")]
    sop = parse_sop(with_output(step="pengajuan", action=None, signer="operator"), REGISTRY)
    assert sop.outputs[0].signer == "operator"


def test_an_external_step_may_leave_the_signer_to_its_actor() -> None:
    data = with_output(signer=None)
    step(data, "persetujuan").update(kind="external", institution="SIAK")
    assert parse_sop(data, REGISTRY).outputs[0].signer is None


@pytest.mark.parametrize(("validity", "reason"), [
    pytest.param("seumur hidup", UNREADABLE, id="not-a-duration"),
    pytest.param("0 bulan", None, id="zero"),
])
def test_a_validity_that_is_no_standard_time_is_refused(validity: str,
                                                        reason: str | None) -> None:
    ((where, message),) = problems(with_output(validity=validity))
    assert where == "persetujuan"
    assert message.startswith(f"masa berlaku {WHAT}")
    assert f"'{validity}'" in message
    if reason:
        assert message.endswith(reason)


@pytest.mark.parametrize("code", ["47", "4700", "470.", "470.a", "A470", "470-1", "470 1"])
def test_a_malformed_archive_code_is_refused(code: str) -> None:
    assert problems(with_output(code=code)) == [
        ("persetujuan", f"{WHAT}: kode klasifikasi arsip '{code}' harus berbentuk '470' atau "
                        "'503.1'")]


@pytest.mark.parametrize("code", ["470", "503.1", "800.1.11.13", "973"])
def test_a_well_formed_archive_code_is_accepted(code: str) -> None:
    assert parse_sop(with_output(code=code), REGISTRY).outputs[0].code == code


def test_the_same_kind_and_title_twice_is_refused() -> None:
    data = with_output()
    data["outputs"].append(dict(data["outputs"][0], step="verifikasi", action="lengkap",
                                signer=None))
    assert problems(data) == [
        (None, f"{WHAT} (surat_keterangan) dideklarasikan lebih dari sekali")]


def test_one_title_under_two_kinds_or_two_titles_of_one_kind_are_accepted() -> None:
    data = with_output()
    data["outputs"] += [dict(data["outputs"][0], kind="tanda_terima"),
                        dict(data["outputs"][0], title="Surat Keterangan Kedua")]
    assert len(parse_sop(data, REGISTRY).outputs) == 3


def test_every_output_problem_is_listed_at_once() -> None:
    data = with_output(signer="lurah")
    data["outputs"].append(
        {"kind": "berita_acara", "title": "Berita Acara", "step": "pengajuan", "code": "x"})
    assert problems(data) == [
        ("persetujuan", f"{WHAT}: penanda tangan 'lurah' tidak terdaftar untuk instansi "
                        "'disdukcapil'"),
        ("pengajuan", "keluaran 'Berita Acara': tanpa penanda tangan, langkah 'pengajuan' "
                      "harus langkah petugas/eksternal (pemohon tidak dapat menandatangani)"),
        ("pengajuan", "keluaran 'Berita Acara': kode klasifikasi arsip 'x' harus berbentuk "
                      "'470' atau '503.1'"),
    ]
