"""The SOP validator and loader: every rule names the SOP and the step, all problems at once.

Definitions are plain data parsed with the real loader against the real agency registry
(``disdukcapil`` has the roles operator, staf, kabid and kepala_dinas; not ``sekretaris``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from shared.registry import load_registry
from shared.sop.loader import load_sop_file, parse_sop
from shared.sop.model import SopDefinition
from shared.sop.validate import Problem, SopValidationError

REGISTRY = load_registry()
ROOT = Path(__file__).resolve().parents[3]
KEY = "uji-validasi"
UNREADABLE = ("tidak dapat dibaca sebagai durasi; gunakan bentuk seperti '10 menit', '2 jam', "
              "'1 hari kerja', '3 hari', '2 minggu', '1 bulan', '1 x 24 jam' atau rentang "
              "'14 s/d 30 hari'.")
NOT_POSITIVE = ("tidak dapat dibaca sebagai durasi (jumlah harus lebih dari nol); gunakan bentuk "
                "seperti '10 menit', '2 jam', '1 hari kerja', '3 hari', '2 minggu', '1 bulan', "
                "'1 x 24 jam' atau rentang '14 s/d 30 hari'.")
NO_WAY_OUT = "dari langkah ini tidak ada jalan menuju hasil akhir"
UNREACHABLE = "langkah tidak dapat dicapai dari awal"


def valid() -> dict[str, Any]:
    """pengajuan (pemohon) -> verifikasi (operator; or returned) -> persetujuan (kabid) -> end."""
    return {
        "key": KEY, "title": "SOP UJI VALIDASI", "agency": "disdukcapil", "service": "dukcapil",
        "steps": [
            {"id": "pengajuan", "actor": "pemohon", "kind": "applicant", "activity": "Ajukan",
             "actions": [{"name": "ajukan", "to": "verifikasi"}]},
            {"id": "verifikasi", "actor": "operator", "activity": "Verifikasi",
             "time": "10 menit", "actions": [
                 {"name": "lengkap", "to": "persetujuan"},
                 {"name": "kembalikan", "kind": "return", "deadline": "3 hari kerja"},
             ]},
            {"id": "persetujuan", "actor": "kabid", "activity": "Setujui",
             "time": "1 hari kerja", "actions": [
                 {"name": "setujui", "to": "@completed"},
                 {"name": "tolak", "to": "@rejected"},
             ]},
        ],
    }


Mutation = Callable[[dict[str, Any]], None]


def step(data: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(s for s in data["steps"] if s["id"] == step_id)


def action(data: dict[str, Any], step_id: str, name: str) -> dict[str, Any]:
    return next(a for a in step(data, step_id)["actions"] if a["name"] == name)


def officer_step(step_id: str, to: str = "@archived", **extra: Any) -> dict[str, Any]:
    return {"id": step_id, "actor": "operator", "activity": step_id, "time": "5 menit",
            "actions": [{"name": f"{step_id}_selesai", "to": to}], **extra}


def duplicate_step(d: dict[str, Any]) -> None:
    d["steps"].append(officer_step("verifikasi"))


def to_missing_step(d: dict[str, Any]) -> None:
    action(d, "verifikasi", "lengkap")["to"] = "tidak_ada"


def unknown_terminal(d: dict[str, Any]) -> None:
    action(d, "persetujuan", "setujui")["to"] = "@selesai"


def unreachable(d: dict[str, Any]) -> None:
    d["steps"].append(officer_step("arsip"))


def no_actions(d: dict[str, Any]) -> None:
    step(d, "persetujuan")["actions"] = []


def trap_loop(d: dict[str, Any]) -> None:
    # verifikasi can still reject, but persetujuan <-> koreksi never leads anywhere.
    step(d, "verifikasi")["actions"].append({"name": "tolak", "to": "@rejected"})
    step(d, "persetujuan")["actions"] = [{"name": "koreksi", "to": "koreksi"}]
    d["steps"].append(officer_step("koreksi", to="persetujuan"))


def whole_flow_loop(d: dict[str, Any]) -> None:
    step(d, "persetujuan")["actions"] = [{"name": "ulang", "to": "verifikasi"}]


def unknown_agency(d: dict[str, Any]) -> None:
    d["agency"] = "dinas-fiktif"


def unknown_step_agency(d: dict[str, Any]) -> None:
    step(d, "persetujuan")["agency"] = "dinas-fiktif"


def role_of_another_agency(d: dict[str, Any]) -> None:
    step(d, "persetujuan")["actor"] = "sekretaris"  # a platform role disdukcapil does not use


def unknown_role(d: dict[str, Any]) -> None:
    step(d, "persetujuan")["actor"] = "lurah"


def local_role_of_another_agency(d: dict[str, Any]) -> None:
    step(d, "persetujuan")["actor"] = "petugas_pemadam"  # damkar's own role


def applicant_not_pemohon(d: dict[str, Any]) -> None:
    step(d, "pengajuan")["actor"] = "operator"


def officer_as_pemohon(d: dict[str, Any]) -> None:
    step(d, "verifikasi")["actor"] = "pemohon"


def officer_without_time(d: dict[str, Any]) -> None:
    del step(d, "verifikasi")["time"]


def external_without_time(d: dict[str, Any]) -> None:
    step(d, "persetujuan").update(kind="external", institution="SIAK")
    del step(d, "persetujuan")["time"]


def time_of(text: str) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        step(d, "verifikasi")["time"] = text
    return mutate


def deadline_of(text: str) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        action(d, "verifikasi", "kembalikan")["deadline"] = text
    return mutate


def automatic_two_actions(d: dict[str, Any]) -> None:
    action(d, "verifikasi", "lengkap")["to"] = "notifikasi"
    d["steps"].insert(2, {"id": "notifikasi", "actor": "operator", "kind": "automatic",
                          "activity": "Notifikasi", "actions": [
                              {"name": "kirim", "to": "persetujuan"},
                              {"name": "lewati", "to": "@completed"}]})


def automatic_return(d: dict[str, Any]) -> None:
    action(d, "verifikasi", "lengkap")["to"] = "notifikasi"
    d["steps"].insert(2, {"id": "notifikasi", "actor": "operator", "kind": "automatic",
                          "activity": "Notifikasi", "actions": [
                              {"name": "kirim", "kind": "return", "resume_at": "persetujuan"}]})


def reserved_names(d: dict[str, Any]) -> None:
    step(d, "verifikasi")["actions"] += [{"name": "lengkapi", "to": "persetujuan"},
                                         {"name": "batalkan", "to": "@rejected"}]


def resume_at_missing(d: dict[str, Any]) -> None:
    action(d, "verifikasi", "kembalikan")["resume_at"] = "hilang"


def forward_without_target(d: dict[str, Any]) -> None:
    del action(d, "persetujuan", "tolak")["to"]


def duplicate_action(d: dict[str, Any]) -> None:
    step(d, "persetujuan")["actions"].append({"name": "tolak", "to": "@archived"})


def applicant_return(d: dict[str, Any]) -> None:
    step(d, "pengajuan")["actions"].append({"name": "kembalikan", "kind": "return"})


def unknown_escalation(d: dict[str, Any]) -> None:
    step(d, "verifikasi")["escalate_to"] = "lurah"


def missing_activity(d: dict[str, Any]) -> None:
    del step(d, "verifikasi")["activity"]


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


def test_several_problems_are_listed_at_once() -> None:
    data = valid()
    for mutate in (reserved_names, officer_without_time, unknown_terminal, unreachable,
                   applicant_not_pemohon):
        mutate(data)
    with pytest.raises(SopValidationError) as raised:
        parse_sop(data, REGISTRY, source="services/dukcapil/sops/uji-validasi.yaml")
    assert [(p.step, p.message) for p in raised.value.problems] == [
        ("pengajuan", "langkah pemohon harus berperan 'pemohon', bukan 'operator'"),
        ("verifikasi", "aksi 'lengkapi' dipakai oleh platform"),
        ("verifikasi", "aksi 'batalkan' dipakai oleh platform"),
        ("verifikasi", "langkah petugas/eksternal harus punya waktu standar"),
        ("persetujuan", "aksi 'setujui': hasil akhir '@selesai' tidak dikenal"),
        ("arsip", UNREACHABLE),
    ]
    assert str(raised.value) == "services/dukcapil/sops/uji-validasi.yaml: " + "; ".join(
        str(p) for p in raised.value.problems)


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda d: None, id="as-written"),
        pytest.param(lambda d: step(d, "persetujuan").update(kind="external",
                                                              institution="SIAK"),
                     id="external-step"),
        pytest.param(lambda d: step(d, "verifikasi").update(escalate_to="kabid"),
                     id="escalation"),
        pytest.param(lambda d: action(d, "verifikasi", "kembalikan").update(
            resume_at="pengajuan"), id="resume-at-applicant"),
        pytest.param(lambda d: step(d, "persetujuan").update(agency="damkar", actor="kasi"),
                     id="step-of-another-agency"),
    ],
)
def test_a_valid_definition_passes(mutate: Mutation) -> None:
    data = valid()
    mutate(data)
    sop = parse_sop(data, REGISTRY)
    assert isinstance(sop, SopDefinition)
    assert (sop.ref, sop.start.id, [s.id for s in sop.steps]) == (
        "uji-validasi@v1", "pengajuan", ["pengajuan", "verifikasi", "persetujuan"])


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


def test_resume_at_on_a_forward_action_does_not_make_a_step_reachable() -> None:
    data = valid()
    action(data, "verifikasi", "lengkap")["resume_at"] = "arsip"
    data["steps"].append(officer_step("arsip"))
    with pytest.raises(SopValidationError) as raised:
        parse_sop(data, REGISTRY)
    assert ("arsip", UNREACHABLE) in [(p.step, p.message) for p in raised.value.problems]


# -- loader ----------------------------------------------------------------------------------
def test_load_sop_file_names_the_file_of_broken_yaml(tmp_path: Path) -> None:
    path = tmp_path / "dukcapil-rusak.yaml"
    path.write_text("key: dukcapil-rusak\nsteps: [\n  - id: satu\n", encoding="utf-8")
    with pytest.raises(SopValidationError) as raised:
        load_sop_file(path, REGISTRY)
    assert raised.value.source == str(path)
    assert str(raised.value).startswith(f"{path}: SOP dukcapil-rusak: YAML tidak valid: ")
    (problem,) = raised.value.problems
    assert (problem.sop, problem.step) == ("dukcapil-rusak", None)


def test_load_sop_file_refuses_a_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "daftar.yaml"
    path.write_text("- satu\n- dua\n", encoding="utf-8")
    with pytest.raises(SopValidationError) as raised:
        load_sop_file(path, REGISTRY)
    assert raised.value.problems == [Problem("daftar", None, "isi berkas harus berupa mapping")]
    assert str(raised.value) == f"{path}: SOP daftar: isi berkas harus berupa mapping"


def test_load_sop_file_names_file_sop_and_step_of_an_invalid_definition(tmp_path: Path) -> None:
    data = valid()
    officer_without_time(data)
    path = tmp_path / "uji-validasi.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(SopValidationError) as raised:
        load_sop_file(path, REGISTRY)
    assert str(raised.value) == (f"{path}: SOP uji-validasi, langkah verifikasi: langkah "
                                 "petugas/eksternal harus punya waktu standar")


def test_load_sop_file_checks_the_owning_service(tmp_path: Path) -> None:
    path = tmp_path / "uji-validasi.yaml"
    path.write_text(yaml.safe_dump(valid()), encoding="utf-8")
    assert load_sop_file(path, REGISTRY, service="dukcapil").service == "dukcapil"
    with pytest.raises(SopValidationError) as raised:
        load_sop_file(path, REGISTRY, service="umum")
    assert raised.value.problems == [
        Problem(KEY, None, "milik layanan 'dukcapil', bukan 'umum'")]


@pytest.mark.parametrize(
    ("path", "key", "steps"),
    [
        ("services/dukcapil/sops/dukcapil-kia-0-5-tahun.yaml", "dukcapil-kia-0-5-tahun",
         ["pendaftaran", "verifikasi_permohonan", "verifikasi_berkas", "verifikasi_siak",
          "tte_kadis", "penyerahan"]),
        ("services/umum/sops/halo-lamsel-alur-umum.yaml", "halo-lamsel-alur-umum",
         ["konfigurasi_layanan", "pengajuan", "tindak_lanjut", "selesai"]),
    ],
)
def test_the_example_files_load(path: str, key: str, steps: list[str]) -> None:
    sop = load_sop_file(ROOT / path, REGISTRY)
    assert (sop.key, sop.version, [s.id for s in sop.steps]) == (key, 1, steps)


# -- immutability ----------------------------------------------------------------------------
def test_sop_definition_is_frozen() -> None:
    sop = parse_sop(valid(), REGISTRY)
    with pytest.raises(ValidationError, match="frozen"):
        sop.title = "DIUBAH"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        sop.steps[1].time = "1 menit"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        sop.steps[1].actions[0].to = "@completed"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        sop.steps.append(sop.steps[0])  # type: ignore[attr-defined]
    assert (sop.title, sop.steps[1].time, sop.steps[1].actions[0].to) == (
        "SOP UJI VALIDASI", "10 menit", "persetujuan")
