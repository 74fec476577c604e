"""Taking an emergency report: who may report, the checks, the case, the dispatch.

A reporter without an account holds the gateway's one-time-code token (role
``pelapor-darurat``, claims ``phone_sha256`` and ``addr``): the number given must be the one
confirmed. A citizen account may report too. The point must lie in the regency's box. The
report opens a case on the matching emergency SOP with the reporter's subject as applicant
(so it shows in their tracking), is stored with the number, address and note sealed, and is
dispatched at once to the nearest post (haversine over ``posts.yaml``). The post's name and
distance are written into the case's ``petunjuk_lokasi``, so the officers holding the case
see where it was sent; the device's coordinates go into the sealed ``lokasi_kejadian``.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.damkar import store
from services.damkar.domain import Post, inside, load_posts, nearest, normalise_phone, phone_sha256
from services.damkar.schemas import EmergencyReport
from services.damkar.settings import ReportSettings
from services.damkar.tables import ReportRow
from shared.db.tables import CaseRow
from shared.engine.state import Principal
from shared.settings import RateLimit
from shared.web.problems import ProblemError
from shared.web.runtime import ServiceRuntime

REPORTER_ROLE = "pelapor-darurat"
SOP_OF = {"kebakaran": "damkar-pelayanan-kebakaran", "evakuasi": "damkar-evakuasi-non-kebakaran"}
ANONYMOUS_NAME = "Pelapor darurat tanpa akun"


@dataclass(frozen=True)
class Caller:
    principal: Principal
    claims: dict[str, Any]

    @property
    def is_reporter(self) -> bool:
        return REPORTER_ROLE in self.principal.roles

    @property
    def limit_key(self) -> str:
        """The per-address key: the confirming client's keyed address hash from the token,
        or (a citizen's token has none) the subject."""
        addr = self.claims.get("addr")
        raw = f"addr:{addr}" if isinstance(addr, str) and addr else \
            f"sub:{self.principal.subject}"
        return hashlib.sha256(raw.encode()).hexdigest()


def field_problem(problem: str) -> ProblemError:
    return ProblemError(422, "validation-error",
                        errors=[{"field": "telepon", "problem": problem}])


def checked_phone(caller: Caller, raw: str) -> str:
    if not caller.is_reporter and not caller.principal.is_citizen:
        raise ProblemError(403, "damkar-report-forbidden")
    phone = normalise_phone(raw)
    if phone is None:
        raise field_problem("damkar-phone-format")
    if caller.is_reporter and caller.claims.get("phone_sha256") != phone_sha256(phone):
        raise field_problem("damkar-phone-mismatch")
    return phone


async def _count(session: AsyncSession, scope: str, key: str, limit: RateLimit,
                 now: datetime) -> None:
    count, oldest = await store.hits_since(session, scope, key,
                                           now - timedelta(seconds=limit.window_s))
    if count >= limit.count and oldest is not None:
        wait = max(1, int((oldest + timedelta(seconds=limit.window_s) - now).total_seconds()
                          + 0.999))
        raise ProblemError(429, "damkar-rate-limited", headers={"Retry-After": str(wait)},
                           retry_after=wait)
    store.add_hit(session, scope, key, now)


def case_form(body: EmergencyReport, phone: str, post: Post, km: float) -> dict[str, Any]:
    accuracy = f", akurasi ±{body.akurasi_m:.0f} m" if body.akurasi_m is not None else ""
    hint = f"Pos tujuan: {post.name} ({km:.1f} km)."
    if body.petunjuk:
        hint += f" {body.petunjuk}"
    form: dict[str, Any] = {
        "nama_pelapor": body.nama or ANONYMOUS_NAME, "telepon_pelapor": phone,
        "lokasi_kejadian": f"{body.alamat} (koordinat {body.lat:.6f}, {body.lon:.6f}{accuracy})",
        "petunjuk_lokasi": hint}
    if body.keterangan:
        form["keterangan_kejadian"] = body.keterangan
    if body.jenis == "kebakaran":
        form["dapat_dijangkau_mobil_damkar"] = body.dapat_dijangkau
    else:
        form["jenis_evakuasi"] = body.jenis_evakuasi
        form["mampu_dijangkau"] = body.dapat_dijangkau
    return form


async def take_report(session: AsyncSession, runtime: ServiceRuntime, conf: ReportSettings,
                      caller: Caller, body: EmergencyReport
                      ) -> tuple[ReportRow, CaseRow, Post]:
    phone = checked_phone(caller, body.telepon)
    posts = load_posts()
    if not inside(posts.box, body.lat, body.lon):
        raise ProblemError(422, "damkar-outside-regency", regency=posts.regency)
    now = runtime.clock()
    await store.forget_hits(session, now - timedelta(seconds=max(conf.per_number.window_s,
                                                                 conf.per_address.window_s)))
    await _count(session, "number", phone_sha256(phone), conf.per_number, now)
    await _count(session, "address", caller.limit_key, conf.per_address, now)
    post, km = nearest(posts.posts, body.lat, body.lon)
    who = caller.principal
    applicant = Principal(subject=who.subject, roles=frozenset({"citizen"}))
    case = await runtime.cases.open_case(session, applicant, SOP_OF[body.jenis],
                                         case_form(body, phone, post, km), [])
    cipher = runtime.cases.cipher
    received = case.submitted_at or now
    report = ReportRow(id=str(uuid.uuid4()), case_id=case.id, tracking_no=case.tracking_no,
                       jenis=body.jenis, sop_key=case.sop_key, reporter=who.subject,
                       phone=cipher.encrypt(phone), phone_hash=phone_sha256(phone),
                       lat=body.lat, lon=body.lon, accuracy_m=body.akurasi_m,
                       address=cipher.encrypt(body.alamat),
                       note=cipher.encrypt(body.keterangan) if body.keterangan else None,
                       post_id=post.id, distance_km=round(km, 3), received_at=received,
                       dispatched_at=received)
    session.add(report)
    await runtime.cases.audit(session, who, "damkar.dispatched", f"case/{case.id}",
                              {"post": post.id, "distance_km": round(km, 2),
                               "jenis": body.jenis})
    await session.flush()
    return report, case, post
