"""Cases read as GeoReport v2 service requests (``GET requests``, ``GET requests/{id}``).

Every complaint case of an offered SOP is a request, whichever channel opened it (Halo
Lamsel's own forms, an assisted submission, Open311). A request carries no personal data:
no reporter name, phone, e-mail, NIK or account; its text and place only as
:mod:`services.pengaduan.open311_privacy` allows. ``status_notes`` is the public note of
the status (:func:`services.pengaduan.open311_mapping.status_note`): officers' comments
are not public in this platform, so the note is the activity of the step the case is at, or
why it closed. ``expected_datetime`` is the due time of the step in hand (the SOP's
standard time on the office calendar); a returned or closed case has none.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.pengaduan import anonymity
from services.pengaduan import open311_store as store
from services.pengaduan.open311_format import Open311Error
from services.pengaduan.open311_mapping import parse_w3, standard_fields, status_note, status_of, w3
from services.pengaduan.open311_privacy import visibility
from services.pengaduan.open311_service import offered_sops
from services.pengaduan.open311_settings import MAX_RESULTS, WINDOW_DAYS
from services.pengaduan.open311_tables import Open311RequestRow
from shared.db.tables import CaseRow
from shared.sop.model import SopDefinition
from shared.web.runtime import ServiceRuntime

WINDOW = timedelta(days=WINDOW_DAYS)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def request_view(row: CaseRow, sop: SopDefinition, extra: Open311RequestRow | None,
                 agency_name: str, level: str = "biasa") -> dict[str, Any]:
    std = standard_fields(sop)
    shown = visibility(row, level)
    form = row.form or {}
    step = sop.step(row.step_id) if row.step_id and sop.has_step(row.step_id) else None
    closed = status_of(row.status) == "closed"
    address = None
    if shown.location:
        address = (extra.address_string if extra else None) or _text(
            form.get(std.address) if std.address else None)
    description = _text(form.get(std.description)) if std.description else None
    return {
        "service_request_id": row.tracking_no,
        "status": status_of(row.status),
        "status_notes": status_note(row.status, step.activity if step else None),
        "service_name": sop.display_title or sop.title,
        "service_code": sop.key,
        "description": (description or "") if shown.description else "",
        "agency_responsible": agency_name,
        "service_notice": None,
        "requested_datetime": w3(row.created_at),
        "updated_datetime": w3((row.closed_at or row.updated_at) if closed else row.updated_at),
        "expected_datetime": w3(row.step_due_at) if row.status == "open" else None,
        "address": address,
        "address_id": extra.address_id if extra and shown.location else None,
        "zipcode": None,
        "lat": extra.lat if extra and shown.location else None,
        "long": extra.long if extra and shown.location else None,
        "media_url": extra.media_url if extra and shown.location and shown.description
        else None,
    }


async def views(session: AsyncSession, runtime: ServiceRuntime, rows: list[CaseRow]
                ) -> list[dict[str, Any]]:
    kept = await store.extras(session, [r.id for r in rows])
    levels = await anonymity.levels_of(session, [r.id for r in rows]) if rows else {}
    out = []
    for row in rows:
        sop = await runtime.catalog.get(session, row.sop_key, row.sop_version)
        if sop is None:
            continue
        agency = runtime.registry.agencies.get(sop.agency)
        out.append(request_view(row, sop, kept.get(row.id), agency.name if agency else sop.agency,
                                levels.get(row.id, "biasa")))
    return out


def _split(raw: str | None) -> list[str]:
    return [p.strip() for p in (raw or "").split(",") if p.strip()]


def _moment(param: str, raw: str | None) -> Any:
    if raw is None or raw == "":
        return None
    moment = parse_w3(raw)
    if moment is None:
        raise Open311Error(400, "open311-bad-date", param=param)
    return moment


async def search(session: AsyncSession, runtime: ServiceRuntime, *, ids: str | None,
                 codes: str | None, start_date: str | None, end_date: str | None,
                 status: str | None) -> list[dict[str, Any]]:
    """``GET requests`` with the spec's filters: ``service_request_id`` (a comma list) overrides
    the others; otherwise service codes, a window of at most 90 days (default: the last 90),
    and statuses; newest first, at most 1000."""
    sops = await offered_sops(session, runtime)
    keys = {s.key for s in sops}
    wanted = _split(ids)
    if wanted:
        rows = await store.cases_by_tracking(session, wanted[:MAX_RESULTS], keys)
        return await views(session, runtime, rows)
    chosen = _split(codes)
    if chosen:
        keys &= set(chosen)
    statuses = _split(status)
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, "open311-status")
    start, end = _moment("start_date", start_date), _moment("end_date", end_date)
    if start is None and end is None:
        end = runtime.clock()
    if start is None:
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if start > end or end - start > WINDOW:
        raise Open311Error(400, "open311-window", days=WINDOW_DAYS)
    rows = await store.cases(session, sop_keys=keys, start=start, end=end,
                             statuses=set(statuses) or None, limit=MAX_RESULTS)
    return await views(session, runtime, rows)


async def one(session: AsyncSession, runtime: ServiceRuntime, tracking_no: str
              ) -> dict[str, Any]:
    found = await search(session, runtime, ids=tracking_no, codes=None, start_date=None,
                         end_date=None, status=None) if "," not in tracking_no else []
    if not found:
        raise Open311Error(404, "open311-request-not-found")
    return found[0]
