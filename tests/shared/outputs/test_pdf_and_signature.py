"""The PDF of every product kind, its PAdES signature and its QR code: validated with
pyHanko against the local test CA, broken by a changed byte, untrusted under another root;
the QR code read back from the embedded image."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from shared.outputs.ca import LocalCa
from shared.outputs.render import Document, latin1, render_pdf, tanggal
from shared.outputs.signing import LocalSigner, SignerIdentity
from shared.outputs.templates import TEMPLATES
from shared.sop.model import OutputKind
from tests.shared.outputs.support import flip_signed_byte, qr_texts, validate

CODE = "DK-7MQ3X-A9TKP-2W8RC-V4NZE"
URL = f"http://127.0.0.1:8000/verify/{CODE}"
SIGNER = SignerIdentity(subject="kadis-1", name="Kepala Dinas Disdukcapil", role="kepala_dinas",
                        jabatan="Kepala Dinas", agency="disdukcapil",
                        agency_name="Dinas Kependudukan dan Pencatatan Sipil")
CA = LocalCa()


def document(kind: str = "tanda_terima_dokumen", **changes: object) -> Document:
    values: dict[str, object] = dict(
        kind=kind, title="Kartu Identitas Anak (KIA)", number="470/0012/DISDUKCAPIL/XII/2026",
        verify_code=CODE, verify_url=URL,
        agency_name="Dinas Kependudukan dan Pencatatan Sipil",
        sop_title="Pelayanan KIA usia 0–5 tahun", tracking_no="DK-7MQ3-XA9T",
        holder="Siti Aminah", nik_masked="1801********0001",
        issued_at=datetime(2026, 12, 3, 2, 0, tzinfo=UTC), valid_until=None,
        signer_jabatan="Kepala Dinas", signer_name="Kepala Dinas Disdukcapil")
    values.update(changes)
    return Document(**values)  # type: ignore[arg-type]


def text_of(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_every_product_kind_has_a_template() -> None:
    assert set(TEMPLATES) == set(OutputKind.__args__)  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_each_kind_renders_the_letter_with_its_fields(kind: str) -> None:
    text = text_of(render_pdf(document(kind)))
    for expected in ("PEMERINTAH KABUPATEN LAMPUNG SELATAN",
                     "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL", "KARTU IDENTITAS ANAK (KIA)",
                     "Nomor: 470/0012/DISDUKCAPIL/XII/2026", "Siti Aminah", "1801********0001",
                     "DK-7MQ3-XA9T", "3 Desember 2026", "Ditandatangani secara elektronik",
                     f"Kode verifikasi: {CODE}"):
        assert expected in text, (kind, expected)


def test_rows_without_a_value_are_left_out_and_validity_is_printed() -> None:
    text = text_of(render_pdf(document(nik_masked=None, holder=None)))
    assert "NIK" not in text and "Nama" not in text and "Berlaku sampai" not in text
    text = text_of(render_pdf(document(valid_until=datetime(2031, 12, 3, 2, 0, tzinfo=UTC))))
    assert "Berlaku sampai" in text and "3 Desember 2031" in text


def test_indonesian_dates_and_latin1_transliteration() -> None:
    assert tanggal(datetime(2026, 12, 2, 18, 0, tzinfo=UTC)) == "3 Desember 2026"  # WIB
    assert latin1("Şahin – “Ağ” … ø") == 'Sahin - "Ag" ... ø'
    assert latin1("日本") == "??"
    text = text_of(render_pdf(document(holder="Ayşe Çiğdem", sop_title="Pelayanan 🚒")))
    assert "Ayse Çigdem" in text


async def test_the_qr_code_decodes_to_the_verification_url() -> None:
    pdf = await LocalSigner(CA).sign(render_pdf(document()), SIGNER)
    assert qr_texts(pdf) == [URL]


async def test_the_signature_is_intact_and_trusted_by_the_test_ca() -> None:
    pdf = await LocalSigner(CA).sign(render_pdf(document()), SIGNER)
    status = await validate(pdf, CA)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert "Kepala Dinas" in status.signing_cert.subject.human_friendly


async def test_one_changed_byte_in_the_signed_range_breaks_it() -> None:
    pdf = await LocalSigner(CA).sign(render_pdf(document()), SIGNER)
    status = await validate(flip_signed_byte(pdf), CA)
    assert not status.intact and not status.bottom_line


async def test_another_root_does_not_trust_it() -> None:
    pdf = await LocalSigner(CA).sign(render_pdf(document()), SIGNER)
    status = await validate(pdf, LocalCa())
    assert status.intact and not status.trusted and not status.bottom_line


def test_the_ca_keeps_its_keys_in_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "signing"
    first = LocalCa(folder)
    issued = first.signer("disdukcapil:kadis-1", "Kepala Dinas", "Disdukcapil")
    again = LocalCa(folder)
    assert again.root_pem == first.root_pem
    assert again.signer("disdukcapil:kadis-1", "x", "y").cert == issued.cert
    kept = sorted(folder.iterdir())
    assert len(kept) == 2 and all(k.stat().st_mode & 0o777 == 0o600 for k in kept)
    assert all(b"PRIVATE KEY" in k.read_bytes() for k in kept)


def test_two_processes_making_the_ca_at_once_agree(tmp_path: Path) -> None:
    """The loser of the race reads the winner's root, so both sign under one root."""
    folder = tmp_path / "signing"
    first = LocalCa(folder)
    (folder / "root.pem").unlink()
    second = LocalCa(folder)  # made anew: now the kept root
    third = LocalCa(folder)
    assert third.root_pem == second.root_pem != first.root_pem
    race = LocalCa.__new__(LocalCa)  # a process that made its own root before looking
    race.folder = folder
    assert race._store("root", first.root).cert == second.root.cert
