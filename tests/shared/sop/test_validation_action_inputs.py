"""The SOP validator on what officer actions declare they take (``fields``, ``documents``):
only on officer/external steps and forward actions, no name twice in one action, officer
document keys apart from the applicant's, one meaning per document key, choice fields with
choices, known file types; unknown attributes are schema errors. Every problem is listed at
once, each with its step, as the other validation errors are.

The sample is ``tests.support.sop_mutations.valid`` (pengajuan by the applicant, verifikasi
by the operator, persetujuan by the kabid) with inputs on the operator's ``lengkap``.
"""

from __future__ import annotations

from typing import Any

import pytest

from shared.documents.types import KNOWN_TYPES
from shared.sop.loader import parse_sop
from shared.sop.validate import SopValidationError
from tests.support.sop_mutations import KEY, REGISTRY, action, valid

BERITA_ACARA = {"key": "berita_acara", "label": "Berita Acara Verifikasi"}
HASIL = {"name": "hasil", "label": "Hasil verifikasi", "type": "choice",
         "choices": ["sesuai", "tidak_sesuai"]}


def with_inputs(step_id: str = "verifikasi", name: str = "lengkap", **inputs: Any
                ) -> dict[str, Any]:
    data = valid()
    data["documents"] = [{"key": "ktp", "label": "KTP"}]
    action(data, step_id, name).update(inputs)
    return data


def problems(data: dict[str, Any]) -> list[tuple[str | None, str]]:
    with pytest.raises(SopValidationError) as raised:
        parse_sop(data, REGISTRY)
    assert all(p.sop == KEY for p in raised.value.problems)
    return [(p.step, p.message) for p in raised.value.problems]


def test_declared_inputs_are_kept_with_their_defaults() -> None:
    sop = parse_sop(with_inputs(fields=[HASIL, {"name": "saksi", "label": "Nama saksi",
                                                "personal": True, "required": False}],
                                documents=[BERITA_ACARA]), REGISTRY)
    chosen = sop.step("verifikasi").action("lengkap")
    assert chosen is not None and chosen.has_inputs
    assert [(f.name, f.type, f.required) for f in chosen.input_fields] == [
        ("hasil", "choice", True), ("saksi", "string", False)]
    assert chosen.personal_fields() == {"saksi"}
    (doc,) = chosen.input_documents
    assert (doc.key, doc.required, doc.applicant_visible, doc.allowed_types[0]) == (
        "berita_acara", True, False, "application/pdf")
    assert sop.document_spec("berita_acara") == doc
    assert sop.document_spec("ktp") is not None and sop.document_spec("lain") is None


def test_inputs_on_the_applicants_step_are_refused() -> None:
    assert problems(with_inputs("pengajuan", "ajukan", fields=[HASIL])) == [
        ("pengajuan", "aksi 'ajukan': isian dan dokumen aksi hanya untuk langkah "
                      "petugas/eksternal (pemohon memakai form dan documents SOP)")]


def test_inputs_on_a_return_are_refused() -> None:
    assert problems(with_inputs(name="kembalikan", fields=[HASIL])) == [
        ("verifikasi", "aksi 'kembalikan': aksi kind: return tidak menerima isian atau dokumen "
                       "petugas (yang diminta dari pemohon ditulis pada requested)")]


def test_names_twice_in_one_action_and_a_reused_applicant_key_are_all_listed() -> None:
    found = problems(with_inputs(fields=[HASIL, HASIL],
                                 documents=[BERITA_ACARA, BERITA_ACARA,
                                            {"key": "ktp", "label": "KTP dipindai"}]))
    assert found == [
        ("verifikasi", "aksi 'lengkap': isian 'hasil' ditulis lebih dari sekali"),
        ("verifikasi", "aksi 'lengkap': dokumen 'berita_acara' ditulis lebih dari sekali"),
        ("verifikasi", "aksi 'lengkap': dokumen 'ktp' sudah dipakai untuk dokumen pemohon; "
                       "beri dokumen petugas kunci lain"),
    ]


def test_one_document_key_with_two_meanings_is_refused_the_same_one_is_not() -> None:
    same = with_inputs(documents=[BERITA_ACARA])
    action(same, "persetujuan", "setujui")["documents"] = [BERITA_ACARA]
    assert parse_sop(same, REGISTRY).action_documents()["berita_acara"].label == (
        "Berita Acara Verifikasi")
    other = with_inputs(documents=[BERITA_ACARA])
    action(other, "persetujuan", "setujui")["documents"] = [
        {**BERITA_ACARA, "applicant_visible": True}]
    assert problems(other) == [
        ("persetujuan", "aksi 'setujui': dokumen 'berita_acara' berbeda dari dokumen berkunci "
                        "sama pada verifikasi.lengkap")]


def test_choices_and_file_types_are_checked() -> None:
    assert problems(with_inputs(
        fields=[{"name": "hasil", "label": "Hasil", "type": "choice"},
                {"name": "luas", "label": "Luas", "type": "number", "choices": ["1"]}],
        documents=[{**BERITA_ACARA, "types": ["application/x-msdownload"]}])) == [
        ("verifikasi", "aksi 'lengkap': dokumen 'berita_acara': jenis berkas "
                       f"'application/x-msdownload' tidak dikenal; pilih dari: "
                       f"{', '.join(KNOWN_TYPES)}"),
        ("verifikasi", "aksi 'lengkap': isian 'hasil' bertipe choice harus punya choices"),
        ("verifikasi", "aksi 'lengkap': isian 'luas' punya choices tetapi bukan bertipe choice"),
    ]


def test_unknown_attributes_and_bad_names_are_schema_errors_with_their_step() -> None:
    found = problems(with_inputs(fields=[{"name": "Hasil Akhir", "label": "Hasil"}],
                                 documents=[{**BERITA_ACARA, "visible": True}]))
    assert [step for step, _ in found] == ["verifikasi", "verifikasi"]
    assert any("fields.0.name" in m for _, m in found)
    assert any("documents.0.visible" in m for _, m in found)


def test_a_definition_without_inputs_is_stored_as_before() -> None:
    """Stored definitions are compared on start-up (a shipped version never changes): actions
    that declare no inputs must dump without ``fields``/``documents`` keys."""
    stored = parse_sop(valid(), REGISTRY).model_dump(mode="json", exclude_none=True)
    actions = [a for s in stored["steps"] for a in s["actions"]]
    assert actions and not any("fields" in a or "documents" in a for a in actions)
    declared = parse_sop(with_inputs(documents=[BERITA_ACARA]), REGISTRY).model_dump(
        mode="json", exclude_none=True)
    assert declared["steps"][1]["actions"][0]["documents"] == [
        {**BERITA_ACARA, "required": True, "applicant_visible": False}]
