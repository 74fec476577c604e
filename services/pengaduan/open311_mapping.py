"""How a complaint SOP reads as an Open311 GeoReport v2 service (pure, no I/O).

- **Offered**: every SOP of the pengaduan service in the ``complaint-report`` category that an
  Open311 client can complete: one whose SOP names no *required* document (GeoReport v2
  carries no file, only a ``media_url``). An SOP published later appears by itself.
- **Standard fields**: the SOP form fields filled from GeoReport's own parameters, found by
  type and name (the rule holds for every shipped complaint SOP and any later one that
  follows their naming): ``description`` → the first non-personal ``text`` field;
  ``address_string`` → the first non-personal field named ``lokasi…``; ``first_name`` +
  ``last_name`` → the first personal ``string`` field named ``nama…``; ``phone`` → the
  first ``phone`` field; ``email`` → the first ``email`` field.
- **Attributes**: every other form field, in form order, with its datatype mapped
  (:data:`DATATYPES`). ``metadata`` is true when there is at least one.
- **Status**: the case status read as open/closed (:data:`STATUS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from shared.sop.model import FormField, SopDefinition

COMPLAINT_CATEGORY = "complaint-report"
WIB = ZoneInfo("Asia/Jakarta")

DATATYPES: dict[str, str] = {
    "string": "string", "text": "text", "integer": "number", "number": "number",
    "date": "datetime", "boolean": "singlevaluelist", "choice": "singlevaluelist",
    "nik": "string", "phone": "string", "email": "string",
}
"""SOP field type → GeoReport datatype. No SOP field type holds several choices, so none maps
to ``multivaluelist``."""

DATATYPE_HINTS: dict[str, str] = {
    "integer": "Bilangan bulat",
    "number": "Bilangan",
    "date": "Tanggal ISO 8601, mis. 2026-12-03 (atau waktu w3, mis. 2026-12-03T08:00:00+07:00)",
    "boolean": "true atau false",
    "choice": "Salah satu kunci dari values",
    "nik": "NIK 16 digit",
    "phone": "Nomor telepon 9-15 digit, boleh diawali +",
    "email": "Alamat e-mail",
}

STATUS: dict[str, str] = {
    "open": "open", "returned": "open",
    "completed": "closed", "rejected": "closed", "withdrawn": "closed", "expired": "closed",
    "archived": "closed",
}
"""Case status → GeoReport status: a case still in hand (open, or returned to the reporter to
complete) is ``open``; every end state is ``closed``."""

CLOSED_NOTES: dict[str, str] = {
    "completed": "Pengaduan selesai ditangani.",
    "rejected": "Pengaduan tidak dapat ditindaklanjuti.",
    "withdrawn": "Pengaduan dicabut oleh pelapor.",
    "expired": "Pengaduan ditutup: kelengkapan tidak disampaikan dalam batas waktu.",
    "archived": "Pengaduan selesai dan diarsipkan.",
}
RETURNED_NOTE = "Menunggu kelengkapan dari pelapor."

BOOLEAN_VALUES = (("true", "Ya"), ("false", "Tidak"))


@dataclass(frozen=True)
class Standard:
    """The SOP form field each GeoReport parameter fills (None: the SOP has none)."""

    description: str | None = None
    address: str | None = None
    name: str | None = None
    phone: str | None = None
    email: str | None = None

    def names(self) -> frozenset[str]:
        return frozenset(n for n in (self.description, self.address, self.name, self.phone,
                                     self.email) if n)

    def parameter_of(self, field: str) -> str:
        """The GeoReport parameter that fills ``field`` (``attribute[<field>]`` for the rest)."""
        by_field = {self.description: "description", self.address: "address_string",
                    self.name: "first_name", self.phone: "phone", self.email: "email"}
        return by_field.get(field) or f"attribute[{field}]"


def _first(fields: tuple[FormField, ...], test: Any) -> str | None:
    return next((f.name for f in fields if test(f)), None)


def standard_fields(sop: SopDefinition) -> Standard:
    form = sop.form
    return Standard(
        description=_first(form, lambda f: f.type == "text" and not f.personal),
        address=_first(form, lambda f: f.type in ("string", "text") and not f.personal
                       and f.name.startswith("lokasi")),
        name=_first(form, lambda f: f.type == "string" and f.personal
                    and f.name.startswith("nama")),
        phone=_first(form, lambda f: f.type == "phone"),
        email=_first(form, lambda f: f.type == "email"),
    )


def offered(sop: SopDefinition, service: str) -> bool:
    return (sop.service == service and sop.category == COMPLAINT_CATEGORY
            and not any(d.required for d in sop.documents))


def attribute_fields(sop: SopDefinition) -> list[FormField]:
    taken = standard_fields(sop).names()
    return [f for f in sop.form if f.name not in taken]


def _choice_name(key: str) -> str:
    return key.replace("_", " ").capitalize()


def attribute(field: FormField, order: int) -> dict[str, Any]:
    """One GeoReport attribute of a service definition."""
    values: list[dict[str, str]] = []
    if field.type == "choice":
        values = [{"key": c, "name": _choice_name(c)} for c in field.choices]
    elif field.type == "boolean":
        values = [{"key": k, "name": n} for k, n in BOOLEAN_VALUES]
    return {"variable": True, "code": field.name, "datatype": DATATYPES[field.type],
            "required": field.required, "datatype_description": DATATYPE_HINTS.get(field.type),
            "order": order, "description": field.label, "values": values}


def definition(sop: SopDefinition) -> dict[str, Any]:
    return {"service_code": sop.key,
            "attributes": [attribute(f, i) for i, f in enumerate(attribute_fields(sop), 1)]}


def service_entry(sop: SopDefinition, agency_name: str) -> dict[str, Any]:
    """One entry of ``GET services``."""
    product = sop.standard.product
    description = f"{sop.title.capitalize()}." + (f" Produk layanan: {product}." if product
                                                  else "")
    keywords = ["pengaduan", sop.agency, *(c for f in sop.form if f.type == "choice"
                                           and not f.personal for c in f.choices)]
    return {"service_code": sop.key, "service_name": sop.display_title or sop.title,
            "description": description, "metadata": bool(attribute_fields(sop)),
            "type": "realtime", "keywords": ", ".join(dict.fromkeys(keywords)),
            "group": agency_name}


def parse_value(field: FormField, raw: str) -> tuple[Any, str | None]:
    """An attribute's text as the form value of ``field``, or the problem code of the field
    checks (``not-integer``, ``not-number``, ``not-date``, ``not-boolean``). Text types stay
    text; the engine's own checks (length, NIK, phone, choices) run on them afterwards."""
    kind = field.type
    try:
        if kind == "integer":
            return int(raw.strip()), None
        if kind == "number":
            value = float(raw.strip())
            if value != value or value in (float("inf"), float("-inf")):
                return None, "not-number"
            return value, None
    except ValueError:
        return None, f"not-{kind}"
    if kind == "boolean":
        lowered = raw.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true", None
        return None, "not-boolean"
    if kind == "date":
        parsed = parse_day(raw)
        return (parsed.isoformat(), None) if parsed else (None, "not-date")
    return raw, None


def parse_day(raw: str) -> date | None:
    """A date (``2026-12-03``) or a w3 datetime, as the day in WIB."""
    text = raw.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    moment = parse_w3(text)
    return moment.astimezone(WIB).date() if moment else None


def parse_w3(raw: str) -> datetime | None:
    """A w3 datetime with its zone (``Z`` or ``±hh:mm``); None for anything else."""
    text = raw.strip()
    if len(text) < 20 or "T" not in text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def w3(moment: datetime | None) -> str | None:
    """A datetime in w3 format, in WIB (``2026-12-03T08:00:00+07:00``)."""
    if moment is None:
        return None
    return moment.astimezone(WIB).replace(microsecond=0).isoformat()


def status_of(case_status: str) -> str:
    return STATUS[case_status]


def status_note(case_status: str, step_label: str | None) -> str | None:
    """The public note of a status: the step the case is at while open, why it closed."""
    if case_status == "returned":
        return RETURNED_NOTE
    if case_status in CLOSED_NOTES:
        return CLOSED_NOTES[case_status]
    return step_label
