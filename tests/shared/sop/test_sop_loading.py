"""Parsing and loading SOP definitions as a whole: valid definitions pass, several problems are
listed at once, ``load_sop_file`` names the file (broken YAML, not a mapping, an invalid
definition, the wrong owning service), the shipped example files load, and the result is frozen.

Definitions are plain data parsed with the real loader against the real agency registry; the
sample definition and its mutations are in ``tests.support.sop_mutations``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from shared.sop.loader import load_sop_file, parse_sop
from shared.sop.model import SopDefinition
from shared.sop.validate import Problem, SopValidationError
from tests.support.sop_mutations import (
    KEY,
    REGISTRY,
    UNREACHABLE,
    Mutation,
    action,
    applicant_not_pemohon,
    officer_without_time,
    reserved_names,
    step,
    unknown_terminal,
    unreachable,
    valid,
)

ROOT = Path(__file__).resolve().parents[3]


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
