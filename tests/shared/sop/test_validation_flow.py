"""The SOP validator on the shape of the flow: step ids, action targets and final outcomes,
reachability from the start, a way out to a final outcome from every step (no trapping loops),
automatic steps, reserved and duplicate action names, and returns.

Each broken definition must be refused with every problem named by SOP and step. The sample
definition and its mutations are in ``tests.support.sop_mutations``.
"""

from __future__ import annotations

import pytest

from shared.sop.loader import parse_sop
from shared.sop.validate import SopValidationError
from tests.support.sop_mutations import (
    KEY,
    NO_WAY_OUT,
    REGISTRY,
    UNREACHABLE,
    Mutation,
    action,
    applicant_return,
    automatic_return,
    automatic_two_actions,
    duplicate_action,
    duplicate_step,
    forward_without_target,
    no_actions,
    officer_step,
    reserved_names,
    resume_at_missing,
    to_missing_step,
    trap_loop,
    unknown_terminal,
    unreachable,
    valid,
    whole_flow_loop,
)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        pytest.param(duplicate_step, [("verifikasi", "id langkah dipakai lebih dari sekali")],
                     id="duplicate-step-id"),
        pytest.param(to_missing_step, [
            ("verifikasi", "aksi 'lengkap' menuju langkah 'tidak_ada' yang tidak ada"),
            ("persetujuan", UNREACHABLE),
            ("pengajuan", NO_WAY_OUT),
            ("verifikasi", NO_WAY_OUT),
        ], id="action-to-missing-step"),
        pytest.param(unknown_terminal, [
            ("persetujuan", "aksi 'setujui': hasil akhir '@selesai' tidak dikenal")],
            id="unknown-terminal"),
        pytest.param(unreachable, [("arsip", UNREACHABLE)], id="unreachable-step"),
        pytest.param(no_actions, [
            ("persetujuan", "langkah tanpa aksi; setiap langkah harus punya aksi menuju langkah "
                            "lain atau hasil akhir (@completed/@rejected/@archived)"),
            ("pengajuan", NO_WAY_OUT),
            ("verifikasi", NO_WAY_OUT),
        ], id="step-without-actions"),
        pytest.param(trap_loop, [("persetujuan", NO_WAY_OUT), ("koreksi", NO_WAY_OUT)],
                     id="loop-without-exit"),
        pytest.param(whole_flow_loop, [
            ("pengajuan", NO_WAY_OUT), ("verifikasi", NO_WAY_OUT), ("persetujuan", NO_WAY_OUT),
        ], id="whole-flow-is-a-loop"),
        pytest.param(automatic_two_actions, [
            ("notifikasi", "langkah otomatis harus punya tepat satu aksi maju")],
            id="automatic-with-two-actions"),
        pytest.param(automatic_return, [
            ("notifikasi", "langkah otomatis harus punya tepat satu aksi maju")],
            id="automatic-with-a-return"),
        pytest.param(reserved_names, [
            ("verifikasi", "aksi 'lengkapi' dipakai oleh platform"),
            ("verifikasi", "aksi 'batalkan' dipakai oleh platform"),
        ], id="reserved-action-names"),
        pytest.param(resume_at_missing, [
            ("verifikasi", "aksi 'kembalikan' melanjutkan ke langkah 'hilang' yang tidak ada")],
            id="resume-at-missing-step"),
        pytest.param(forward_without_target, [
            ("persetujuan", "aksi 'tolak' tidak punya tujuan (to)")],
            id="forward-without-target"),
        pytest.param(duplicate_action, [
            ("persetujuan", "aksi 'tolak' ditulis lebih dari sekali")], id="duplicate-action"),
        pytest.param(applicant_return, [
            ("pengajuan", "aksi 'kembalikan': langkah pemohon tidak bisa mengembalikan berkas")],
            id="applicant-step-returns"),
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


def test_resume_at_on_a_forward_action_does_not_make_a_step_reachable() -> None:
    data = valid()
    action(data, "verifikasi", "lengkap")["resume_at"] = "arsip"
    data["steps"].append(officer_step("arsip"))
    with pytest.raises(SopValidationError) as raised:
        parse_sop(data, REGISTRY)
    assert ("arsip", UNREACHABLE) in [(p.step, p.message) for p in raised.value.problems]
