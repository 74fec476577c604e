"""What the Open311 facade does: read the offered services, check a key, open a case from a
GeoReport POST, and read cases as GeoReport requests. It never commits.

The applicant of a case posted through the facade is the key's pseudonymous subject
(``open311:<key id>``): the integration that holds the key files on behalf of people the
platform does not know, and no account is ever created or looked up from the given phone
or e-mail. The reporter's name, phone and e-mail go into the SOP form's personal fields
(sealed like every form) and, with device_id and account_id, into the request row's sealed
``contact``; none is ever echoed.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.pengaduan import open311_store as store
from services.pengaduan.open311_format import Open311Error
from services.pengaduan.open311_mapping import (
    Standard,
    attribute_fields,
    offered,
    parse_value,
    standard_fields,
)
from services.pengaduan.open311_tables import Open311KeyRow, Open311RequestRow, Open311TokenRow
from shared.db.tables import CaseRow
from shared.engine.errors import EngineError, InvalidSubmission
from shared.engine.state import Principal
from shared.engine.submission import check_submission
from shared.sop.model import SopDefinition
from shared.web.i18n import field_message
from shared.web.runtime import ServiceRuntime


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Submission:
    """The parameters of a GeoReport ``POST requests`` (the form, as strings)."""

    service_code: str | None = None
    lat: str | None = None
    long: str | None = None
    address_string: str | None = None
    address_id: str | None = None
    email: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    description: str | None = None
    media_url: str | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)

    def contact(self) -> dict[str, str]:
        given = {"email": self.email, "first_name": self.first_name,
                 "last_name": self.last_name, "phone": self.phone,
                 "device_id": self.device_id, "account_id": self.account_id}
        return {k: v for k, v in given.items() if v}


Problems = list[tuple[str, str, dict[str, Any] | None]]
"""Invalid parameters: (GeoReport parameter, problem code, message parameters)."""


class FieldErrors(Open311Error):
    """400 with one description per invalid parameter (``param``, problem code, ctx)."""

    def __init__(self, problems: Problems) -> None:
        super().__init__(400, "open311-field")
        self.problems = problems

    def describe(self, lang: str) -> list[str]:
        return [f"{param}: {field_message(problem, lang, ctx)}"
                for param, problem, ctx in self.problems]


async def offered_sops(session: AsyncSession, runtime: ServiceRuntime) -> list[SopDefinition]:
    """The complaint SOPs the facade offers, from the runtime's catalog (latest versions)."""
    sops = await runtime.catalog.latest_all(session)
    return sorted((s for s in sops if offered(s, runtime.cases.service)), key=lambda s: s.key)


async def offered_sop(session: AsyncSession, runtime: ServiceRuntime,
                      code: str | None) -> SopDefinition:
    if not code:
        raise Open311Error(400, "open311-service-code-missing")
    sop = await runtime.catalog.get(session, code) if len(code) <= 120 else None
    if sop is None or not offered(sop, runtime.cases.service):
        raise Open311Error(404, "open311-service-not-found")
    return sop


async def authenticate(session: AsyncSession, api_key: str | None) -> Open311KeyRow:
    """The live key ``api_key`` names, or 403 (missing, unknown or revoked alike)."""
    found = await store.key_by_hash(session, hash_key(api_key)) if api_key else None
    if found is None:
        raise Open311Error(403, "open311-api-key")
    return found


def _location(sub: Submission) -> tuple[float | None, float | None]:
    if sub.lat is None and sub.long is None:
        if not (sub.address_string or sub.address_id):
            raise Open311Error(400, "open311-location-missing")
        return None, None
    try:
        lat, long = float(sub.lat or ""), float(sub.long or "")
    except ValueError:
        raise Open311Error(400, "open311-lat-long") from None
    if not (math.isfinite(lat) and math.isfinite(long) and -90 <= lat <= 90
            and -180 <= long <= 180):
        raise Open311Error(400, "open311-lat-long")
    return lat, long


def _place(sub: Submission, lat: float | None, long: float | None) -> str:
    if sub.address_string:
        return sub.address_string
    if lat is not None and long is not None:
        return f"Koordinat {lat:.6f}, {long:.6f}"
    return f"ID alamat {sub.address_id}"


def build_form(sop: SopDefinition, sub: Submission, place: str) -> dict[str, Any]:
    """The SOP form a submission fills; FieldErrors names every parameter that is wrong: the
    attributes that are unknown or do not parse, and what the SOP's own checks find in the
    rest (required, length, NIK, phone, choices), all at once."""
    std = standard_fields(sop)
    form: dict[str, Any] = {}
    name = " ".join(p.strip() for p in (sub.first_name, sub.last_name) if p and p.strip())
    for target, value in ((std.description, sub.description), (std.address, place),
                          (std.name, name), (std.phone, sub.phone), (std.email, sub.email)):
        if target and value:
            form[target] = value
    fields = {f.name: f for f in attribute_fields(sop)}
    problems: Problems = []
    for code, values in sorted(sub.attributes.items()):
        spec = fields.get(code)
        if spec is None:
            problems.append((f"attribute[{code}]", "unknown-field", None))
            continue
        if len(values) != 1:
            problems.append((f"attribute[{code}]", "invalid", None))
            continue
        value, problem = parse_value(spec, values[0])
        if problem:
            problems.append((f"attribute[{code}]", problem, None))
        elif value != "":
            form[code] = value
    parsed = {p[0] for p in problems}
    for param, problem, ctx in _engine_problems(std, check_submission(sop, form, set())):
        if param not in parsed:
            problems.append((param, problem, ctx))
    if problems:
        raise FieldErrors(sorted(problems, key=lambda p: p[0]))
    return form


def _engine_problems(std: Standard, problems: list[dict[str, Any]]) -> Problems:
    found: Problems = []
    for p in problems:
        entry: dict[str, Any] = dict(p)
        name = str(entry.get("field", ""))
        param = name if name.startswith("documents.") else std.parameter_of(name)
        ctx = entry.get("ctx")
        found.append((param, str(entry.get("problem", "invalid")),
                      ctx if isinstance(ctx, dict) else None))
    return found


async def post_request(session: AsyncSession, runtime: ServiceRuntime, key: Open311KeyRow,
                       sub: Submission) -> tuple[CaseRow, Open311TokenRow]:
    """Open a case on the submission's complaint SOP for the key's subject; record the
    request (location, sealed contact) and its token; audit it."""
    sop = await offered_sop(session, runtime, sub.service_code)
    if key.agency is not None and key.agency != sop.agency:
        raise Open311Error(403, "open311-key-scope", agency=key.agency)
    lat, long = _location(sub)
    form = build_form(sop, sub, _place(sub, lat, long))
    who = Principal(subject=key.subject, roles=frozenset({"citizen"}))
    try:
        case = await runtime.cases.open_case(session, who, sop.key, form, [])
    except InvalidSubmission as exc:
        raise FieldErrors(_engine_problems(standard_fields(sop), exc.problems)) from None
    except EngineError as exc:
        raise Open311Error(400, "open311-general") from exc
    now = runtime.clock()
    contact = sub.contact()
    sealed = runtime.cases.cipher.encrypt(json.dumps(contact)) if contact else None
    session.add(Open311RequestRow(
        case_id=case.id, tracking_no=case.tracking_no, key_id=key.id, sop_key=sop.key, lat=lat,
        long=long, address_string=sub.address_string, address_id=sub.address_id,
        media_url=sub.media_url, contact=sealed, requested_at=now))
    issued = Open311TokenRow(token=str(uuid.uuid4()), key_id=key.id, case_id=case.id,
                             tracking_no=case.tracking_no, created_at=now)
    session.add(issued)
    await runtime.cases.audit(session, who, "open311.request_posted", f"case/{case.id}",
                              {"key": key.id, "sop": sop.ref, "token": issued.token})
    await session.flush()
    return case, issued
