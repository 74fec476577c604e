"""Which complaint SOP a SP4N-LAPOR! report opens, and how its fields fill the SOP's form
(data, pure).

The SOP is chosen by the OPD LAPOR! disposed the report to (``instansi``, the agency code as
the regency registered it in LAPOR!), else by LAPOR!'s category, else the default SOP
(``HALO_PENGADUAN_LAPOR_SOP_BAWAAN``, default the Inspektorat's general complaint, whose
reporter fields are all optional). A report whose form the chosen SOP would refuse (a
required field LAPOR! does not give, e.g. the NIK of an anonymous reporter) opens on the
default SOP instead; one the default SOP refuses with the reporter's fields opens there
without them (they stay sealed in the cross-reference).

Dinkes, DLH and Satpol PP ask for a scan of the reporter's KTP (a required document) and
PPPA, RSUD and the DPRD audiences for facts LAPOR! does not carry (the victim's status, the
patient's card): none of them can open from a LAPOR! report, so they are not mapped, and
their reports open on the default SOP, where the Inspektorat's complaint desk forwards them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from services.pengaduan.adapters.lapor import LaporReport
from shared.settings import env

DEFAULT_SOP = "inspektorat-pengaduan-masyarakat"
NO_LOCATION = "Tidak disebutkan dalam laporan SP4N-LAPOR!"

BY_INSTANSI: dict[str, str] = {
    "inspektorat": "inspektorat-pengaduan-masyarakat",
    "pdam": "pdam-pengaduan-pelanggan",
}
BY_KATEGORI: dict[str, str] = {
    "air_minum": "pdam-pengaduan-pelanggan",
    "pengawasan": "inspektorat-pengaduan-masyarakat",
}

Source = Callable[[LaporReport], Any]


def _who(name: str) -> Source:
    return lambda r: getattr(r.pelapor, name) if r.pelapor is not None else None


def _hidden(r: LaporReport) -> bool:
    return r.kerahasiaan != "biasa"


_TITLE: Source = lambda r: r.judul  # noqa: E731
_BODY: Source = lambda r: r.isi  # noqa: E731
_PLACE: Source = lambda r: r.lokasi or NO_LOCATION  # noqa: E731
_DAY: Source = lambda r: r.tanggal_kejadian.isoformat() if r.tanggal_kejadian else None  # noqa: E731


def _const(value: Any) -> Source:
    return lambda r: value


FORMS: dict[str, dict[str, Source]] = {
    "inspektorat-pengaduan-masyarakat": {
        "perihal": _TITLE, "uraian": _BODY, "lokasi_kejadian": _PLACE, "tanggal_kejadian": _DAY,
        "anonim": _hidden, "nama_pengadu": _who("nama"), "nik_pengadu": _who("nik"),
        "telepon_pengadu": _who("telepon"), "alamat_pengadu": _who("alamat")},
    "pdam-pengaduan-pelanggan": {
        "nama_pelapor": _who("nama"), "telepon_pelapor": _who("telepon"),
        "alamat_sambungan": _who("alamat"), "jenis_permasalahan": _const("administrasi"),
        "perihal": _TITLE, "uraian": _BODY, "tanggal_kejadian": _DAY},
}
REPORTER_FIELDS = frozenset({"nama_pelapor", "telepon_pelapor", "nama_pengadu",
                             "nik_pengadu", "telepon_pengadu", "alamat_pengadu",
                             "alamat_sambungan"})


@cache
def service_sops() -> dict[str, str]:
    """Every SOP of the service's folder: key -> agency (the hooks are installed on each)."""
    found: dict[str, str] = {}
    for path in sorted(Path(__file__).with_name("sops").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("key"), str):
            found[data["key"]] = str(data.get("agency", ""))
    return found


def default_sop() -> str:
    return (env("HALO_PENGADUAN_LAPOR_SOP_BAWAAN") or "").strip() or DEFAULT_SOP


def sop_for(report: LaporReport) -> str:
    """The SOP a report opens on (instansi, then category, then the default)."""
    chosen = BY_INSTANSI.get((report.instansi or "").lower()) \
        or BY_KATEGORI.get((report.kategori or "").lower())
    return chosen if chosen in FORMS else default_sop()


def form_for(sop_key: str, report: LaporReport, *, with_reporter: bool = True
             ) -> dict[str, Any]:
    """The SOP's form filled from the report (fields LAPOR! leaves empty are left out)."""
    form: dict[str, Any] = {}
    for name, source in FORMS.get(sop_key, FORMS[DEFAULT_SOP]).items():
        if not with_reporter and name in REPORTER_FIELDS:
            continue
        value = source(report)
        if value is not None and value != "":
            form[name] = value
    return form
