"""The pure rules of outputs: verification codes, masking, validity, which transition issues
which output, what the public check shows, and the signer settings."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from shared.engine.state import HistoryEntry
from shared.outputs.codes import (
    CODE_PATTERN,
    mask_name,
    mask_number,
    new_verify_code,
    normalise_code,
    service_of,
)
from shared.outputs.issuer import holder_name, holder_nik, matches
from shared.outputs.settings import OutputSettings, build_signer
from shared.outputs.signing import LocalSigner
from shared.outputs.tables import CaseOutputRow
from shared.outputs.validity import ValidityError, valid_until
from shared.outputs.verify import verification
from shared.redact import scrub as scrub_digits
from shared.registry import load_registry
from shared.settings import SettingsError
from shared.sop.model import SopDefinition
from tests.support.sop_mutations import valid

AT = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


def test_verify_codes_carry_the_service_and_100_random_bits() -> None:
    codes = {new_verify_code("perizinan") for _ in range(200)}
    assert len(codes) == 200
    assert all(CODE_PATTERN.fullmatch(c) and c.startswith("IZ-") for c in codes)
    code = new_verify_code("dukcapil")
    assert normalise_code(code.lower()) == code
    assert normalise_code(code.replace("-", " ")) == code
    assert normalise_code("dk-o0000-i1111-l1111-00000") == "DK-00000-11111-11111-00000"
    assert normalise_code("DK-0000") is None
    assert normalise_code("12-00000-00000-00000-00000") is None
    assert normalise_code("DK-UUUUU-00000-00000-00000") is None  # U is not in the alphabet
    assert service_of(code) == "dukcapil" and service_of("ZZ-00000-00000-00000-00000") is None


def test_masking_keeps_initials_and_the_ends_of_numbers() -> None:
    assert mask_name("Siti Aminah") == "S*** A***"
    assert mask_name("  muhammad  rizki  pratama ") == "M*** R*** P***"
    assert mask_number("1801014505240001") == "1801********0001"
    assert mask_number("12345") == "*****"
    assert scrub_digits("NIK 1801 0145 0524 0001, HP +62 812-3456-7890, no 12") == \
        "NIK [disamarkan], HP [disamarkan], no 12"


def test_validity_in_calendar_time() -> None:
    assert valid_until(AT, None) is None
    assert valid_until(AT, "5 tahun") == AT.replace(year=2031)
    assert valid_until(datetime(2028, 2, 29, tzinfo=UTC), "1 tahun") == \
        datetime(2029, 2, 28, tzinfo=UTC)
    assert valid_until(AT, "6 bulan") == AT.replace(year=2027, month=6)
    assert valid_until(AT, "2 minggu") == AT + timedelta(days=14)
    assert valid_until(AT, "30 Hari") == AT + timedelta(days=30)
    assert valid_until(AT, "60 bulan") == AT.replace(year=2031)
    assert valid_until(AT, "1 x 24 jam") == AT + timedelta(hours=24)
    assert valid_until(AT, "3 hari kerja") == AT + timedelta(days=3)  # calendar days
    with pytest.raises(ValidityError):
        valid_until(AT, "seumur hidup")


def sop(**output: object) -> SopDefinition:
    data = valid()
    data["form"] = [{"name": "nik_pemohon", "label": "NIK", "type": "nik", "personal": True},
                    {"name": "nomor_kk", "label": "KK", "type": "nik", "personal": True},
                    {"name": "nama_usaha", "label": "Usaha", "type": "string"},
                    {"name": "nama_pemohon", "label": "Nama", "type": "string",
                     "personal": True}]
    data["outputs"] = [{"kind": "surat_izin", "title": "Izin Uji", "step": "persetujuan",
                        **output}]
    return SopDefinition.model_validate(data)


def entry(step: str, action: str | None, event: str = "case.completed") -> HistoryEntry:
    return HistoryEntry(seq=4, event=event, at=AT, sop_version=1, step_id=step, action=action,
                        next_step_id=None, actor_id="kabid-1", actor_role="kabid",
                        actor_agency="disdukcapil", status="completed")


@pytest.mark.parametrize(("output", "step", "action", "issues"), [
    ({}, "persetujuan", "setujui", True),
    ({}, "persetujuan", "tolak", False),
    ({"action": "setujui"}, "persetujuan", "setujui", True),
    ({"action": "tolak"}, "persetujuan", "setujui", False),
    ({}, "verifikasi", "lengkap", False),
    ({"step": "verifikasi"}, "verifikasi", "kembalikan", False),
    ({"step": "verifikasi"}, "verifikasi", "lengkap", True),
    ({"step": "verifikasi"}, "verifikasi", None, False),
])
def test_which_transition_issues_the_output(output: dict[str, str], step: str,
                                            action: str | None, issues: bool) -> None:
    definition = sop(**output)
    assert matches(definition, definition.outputs[0], entry(step, action)) is issues


def test_the_holder_is_the_first_personal_name_field_and_the_nik_the_first_nik() -> None:
    definition = sop()
    form = {"nik_pemohon": "1801014505900001", "nomor_kk": "1801012202200003",
            "nama_usaha": "Toko Maju", "nama_pemohon": "Budi Santoso"}
    assert holder_name(definition, form) == "Budi Santoso"
    assert holder_nik(definition, form) == "1801014505900001"
    assert holder_name(definition, {"nama_usaha": "Toko"}) is None


def row(**changes: object) -> CaseOutputRow:
    base = CaseOutputRow(
        id="o-1", case_id="c-1", seq=5, step_id="tte_kadis", sop_key="k", sop_version=1,
        kind="tanda_terima_dokumen", title="Kartu Identitas Anak (KIA)",
        number="470/0001/DISDUKCAPIL/XII/2026", verify_code="DK-00000-00000-00000-00000",
        status="issued", agency="disdukcapil", signer_role="kepala_dinas", signer_id="kadis-1",
        signer_name="Kepala Dinas Kependudukan dan Pencatatan Sipil",
        holder_masked="S*** A***", created_at=AT, issued_at=AT, sha256="ab" * 32, size=10,
        attempts=1)
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def test_the_public_check_says_valid_revoked_or_expired_and_nothing_personal() -> None:
    registry = load_registry()
    good = verification(row(), registry, AT + timedelta(days=1))
    assert (good["status"], good["valid"]) == ("valid", True)
    assert good["signer"] == {"name": "Kepala Dinas Kependudukan dan Pencatatan Sipil",
                              "jabatan": "Kepala Dinas"}
    assert good["revoke_reason"] is None and good["kind_label"] == "Tanda Terima Dokumen"
    assert set(good) == {"status", "valid", "message", "verify_code", "number", "kind",
                         "kind_label", "title", "agency", "agency_name", "issued_at",
                         "valid_until", "signer", "holder", "sha256", "revoked_at",
                         "revoke_reason", "rows"}
    assert good["rows"] == []  # no department rows on this document
    expiring = row(valid_until=AT + timedelta(days=30))
    assert verification(expiring, registry, AT + timedelta(days=29))["status"] == "valid"
    assert verification(expiring, registry, AT + timedelta(days=30))["status"] == "expired"
    revoked = row(status="revoked", revoked_at=AT, revoke_reason="Salah data")
    shown = verification(revoked, registry, AT)
    assert (shown["status"], shown["revoke_reason"]) == ("revoked", "Salah data")
    assert "Siti" not in json.dumps(shown)


def test_production_refuses_the_local_test_ca(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HALO_SIGNER", raising=False)
    monkeypatch.setenv("HALO_ENV", "production")
    with pytest.raises(SettingsError, match="tidak boleh dipakai di produksi"):
        OutputSettings.from_env()
    monkeypatch.setenv("HALO_SIGNER", "bsre")
    with pytest.raises(SettingsError, match="HALO_BSRE_URL"):
        OutputSettings.from_env()
    monkeypatch.setenv("HALO_BSRE_URL", "https://esign.lampungselatankab.go.id")
    monkeypatch.setenv("HALO_BSRE_USER", "halo")
    monkeypatch.setenv("HALO_BSRE_PASSWORD", "s")
    monkeypatch.setenv("HALO_PUBLIC_BASE_URL", "https://halo.lampungselatankab.go.id/")
    settings = OutputSettings.from_env()
    assert settings.signer == "bsre"
    assert settings.verify_url("DK-1") == "https://halo.lampungselatankab.go.id/verify/DK-1"
    assert type(build_signer(settings)).__name__ == "BsreSigner"
    assert isinstance(build_signer(replace(settings, signer="local", ca_dir=None)), LocalSigner)


def test_the_signers_office_says_a_shared_word_once() -> None:
    from shared.outputs.issuer import office_of
    assert office_of("Kepala Dinas", "Dinas Kependudukan dan Pencatatan Sipil") == (
        "Kepala Dinas Kependudukan dan Pencatatan Sipil")
    assert office_of("Kepala Badan", "Badan Pendapatan Daerah") == "Kepala Badan Pendapatan Daerah"
    assert office_of("Kepala Bidang", "Dinas Kesehatan") == "Kepala Bidang Dinas Kesehatan"
