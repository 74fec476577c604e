"""The pure reading of complaint SOPs as GeoReport services: which SOPs are offered, which
form fields GeoReport's own parameters fill, the attributes and their datatypes, attribute
values parsed, statuses mapped, w3 datetimes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.pengaduan.open311_format import to_xml
from services.pengaduan.open311_mapping import (
    STATUS,
    attribute_fields,
    definition,
    offered,
    parse_value,
    parse_w3,
    service_entry,
    standard_fields,
    status_note,
    status_of,
    w3,
)
from shared.engine.state import CaseStatus
from shared.sop.model import FormField, SopDefinition
from tests.services.pengaduan.open311_harness import (
    INSPEKTORAT,
    NOT_OFFERED,
    OFFERED,
    PDAM,
    PPPA,
    RSUD,
)
from tests.support.sops import all_sops


def _sops() -> dict[str, SopDefinition]:
    return {s.key: s for s in all_sops()["pengaduan"]}


def test_the_complaint_sops_without_a_required_document_are_offered() -> None:
    sops = _sops()
    assert sorted(k for k, s in sops.items() if offered(s, "pengaduan")) == OFFERED
    for key in NOT_OFFERED:  # each asks for a document (KTP, a letter) Open311 cannot carry
        assert any(d.required for d in sops[key].documents), key
        assert not offered(sops[key], "pengaduan")
    assert not offered(sops[PDAM], "umum")  # another service's catalog is not ours


def test_the_standard_parameters_fill_the_fields_their_type_and_name_point_to() -> None:
    sops = _sops()
    pdam, pppa, rsud, insp = (standard_fields(sops[k]) for k in (PDAM, PPPA, RSUD, INSPEKTORAT))
    assert (pdam.description, pdam.address, pdam.name, pdam.phone, pdam.email) == (
        "uraian", None, "nama_pelapor", "telepon_pelapor", None)
    # PPPA: "asal" is a personal text, so the report's text is "kronologi"
    assert (pppa.description, pppa.address, pppa.name, pppa.phone) == (
        "kronologi", "lokasi_kejadian", "nama_pelapor", "telepon")
    assert (rsud.description, rsud.address, rsud.name, rsud.phone) == (
        "uraian", "lokasi_kejadian", "nama_pengadu", "telepon_pengadu")
    assert insp.name == "nama_pengadu" and insp.parameter_of("nama_pengadu") == "first_name"
    assert insp.parameter_of("perihal") == "attribute[perihal]"
    assert insp.parameter_of("uraian") == "description"


def test_every_other_field_is_an_attribute_with_its_datatype_in_form_order() -> None:
    sop = _sops()[PDAM]
    found = definition(sop)
    assert found["service_code"] == PDAM
    codes = [a["code"] for a in found["attributes"]]
    assert codes == ["nomor_pelanggan", "alamat_sambungan", "jenis_permasalahan", "perihal",
                     "tanggal_kejadian"]
    by_code = {a["code"]: a for a in found["attributes"]}
    assert [a["order"] for a in found["attributes"]] == [1, 2, 3, 4, 5]
    assert by_code["alamat_sambungan"]["datatype"] == "text"
    assert by_code["tanggal_kejadian"]["datatype"] == "datetime"
    assert by_code["nomor_pelanggan"]["required"] is False
    assert by_code["jenis_permasalahan"]["datatype"] == "singlevaluelist"
    assert by_code["jenis_permasalahan"]["values"] == [
        {"key": "teknis", "name": "Teknis"}, {"key": "administrasi", "name": "Administrasi"}]
    assert by_code["perihal"]["description"] == "Perihal pengaduan"
    insp = {a["code"]: a for a in definition(_sops()[INSPEKTORAT])["attributes"]}
    assert insp["anonim"]["values"] == [{"key": "true", "name": "Ya"},
                                        {"key": "false", "name": "Tidak"}]
    assert insp["nik_pengadu"]["datatype"] == "string"
    assert "16 digit" in insp["nik_pengadu"]["datatype_description"]


def test_the_service_entry_names_the_agency_and_has_metadata() -> None:
    entry = service_entry(_sops()[PDAM], "PDAM Way Rilau")
    assert entry["service_code"] == PDAM and entry["group"] == "PDAM Way Rilau"
    assert entry["type"] == "realtime" and entry["metadata"] is True
    assert entry["keywords"] == "pengaduan, pdam, teknis, administrasi"
    assert entry["service_name"] == "PENGADUAN PELANGGAN"


def test_a_form_of_standard_fields_only_has_no_metadata() -> None:
    sop = _sops()[PDAM].model_copy(update={"form": (
        FormField(name="uraian", label="Uraian", type="text"),
        FormField(name="telepon", label="Telepon", type="phone", personal=True))})
    assert attribute_fields(sop) == []
    assert service_entry(sop, "PDAM")["metadata"] is False


@pytest.mark.parametrize(("kind", "raw", "expected"), [
    ("integer", " 12 ", (12, None)), ("integer", "1.5", (None, "not-integer")),
    ("number", "2.5", (2.5, None)), ("number", "nan", (None, "not-number")),
    ("number", "x", (None, "not-number")),
    ("boolean", "TRUE", (True, None)), ("boolean", "false", (False, None)),
    ("boolean", "ya", (None, "not-boolean")),
    ("date", "2026-11-30", ("2026-11-30", None)),
    # 30 Nov 20:00 UTC is 1 Dec 03:00 WIB: the day is read in WIB
    ("date", "2026-11-30T20:00:00Z", ("2026-12-01", None)),
    ("date", "2026-11-30T20:00:00", (None, "not-date")),  # no zone: not a w3 datetime
    ("date", "30/11/2026", (None, "not-date")),
    ("string", "apa adanya", ("apa adanya", None)),
])
def test_attribute_values_are_parsed_by_the_field_type(kind: str, raw: str,
                                                       expected: tuple[object, object]) -> None:
    spec = FormField(name="f", label="F", type=kind)  # type: ignore[arg-type]
    assert parse_value(spec, raw) == expected


def test_every_case_status_maps_to_open_or_closed_with_a_public_note() -> None:
    statuses: tuple[CaseStatus, ...] = ("open", "returned", "completed", "rejected",
                                        "archived", "expired", "withdrawn")
    assert set(STATUS) == set(statuses)
    assert [status_of(s) for s in statuses] == ["open", "open", "closed", "closed", "closed",
                                                "closed", "closed"]
    assert status_note("open", "Menerima pengaduan") == "Menerima pengaduan"
    assert status_note("returned", "Menerima pengaduan") == "Menunggu kelengkapan dari pelapor."
    assert status_note("completed", None) == "Pengaduan selesai ditangani."


def test_w3_datetimes_carry_their_zone() -> None:
    assert w3(datetime(2026, 12, 3, 1, 0, 30, 999, tzinfo=UTC)) == "2026-12-03T08:00:30+07:00"
    assert parse_w3("2026-12-03T00:00:00Z") == datetime(2026, 12, 3, tzinfo=UTC)
    assert parse_w3("2026-12-03T07:00:00+07:00") == datetime(2026, 12, 3, tzinfo=UTC)
    assert parse_w3("2026-12-03") is None and parse_w3("2026-12-03T00:00:00") is None
    assert parse_w3("kemarin sore lalu") is None
    assert date(2026, 12, 3) == parse_w3("2026-12-03T23:59:59+07:00").date()  # type: ignore[union-attr]


def test_xml_uses_the_spec_s_element_names() -> None:
    body = to_xml("service_definition", {"service_code": "a", "attributes": [
        {"code": "x", "required": True, "datatype_description": None,
         "values": [{"key": "k", "name": "N"}]}]})
    text = body.decode()
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<service_definition>')
    assert "<attributes>" in text and "<attribute>" in text
    assert "<values>" in text and "<value>" in text and "<key>k</key>" in text
    assert "<required>true</required>" in text and "<datatype_description />" in text
