"""The overdue sweeper on a real service database: each late step is flagged once, with a
history entry, a ``case.overdue`` outbox event naming the supervisor to escalate to, and a
count; returned cases past the applicant's deadline close as expired."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from prometheus_client import REGISTRY
from sqlalchemy import select

from services.dukcapil.app import create_app
from shared.db.tables import CaseRow, HistoryRow, OutboxRow
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.tokens import TestTokens

JAKARTA = ZoneInfo("Asia/Jakarta")
KIA = "dukcapil-kia-0-5-tahun"
FORM = {"nik_anak": "1801014505240001", "nama_anak": "Siti", "tanggal_lahir_anak": "2024-05-05",
        "nomor_kk": "1801012202200003", "pengambilan": "ambil_di_mpp"}


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


def _overdue_count() -> float:
    return REGISTRY.get_sample_value("halo_steps_overdue_total",
                                     {"service": "dukcapil", "sop": KIA,
                                      "agency": "disdukcapil"}) or 0.0


async def test_overdue_once_and_expiry(tmp_path: Path) -> None:
    tokens = TestTokens()
    clock = Clock(datetime(2026, 8, 14, 15, 50, tzinfo=JAKARTA))  # Friday before 17 August
    app = create_app(service_settings("dukcapil", f"sqlite+aiosqlite:///{tmp_path}/d.db",
                                      tmp_path), wiring(tokens, clock=clock))
    citizen = tokens.headers("warga-1", "citizen")
    operator = tokens.headers("op-1", "disdukcapil:operator")
    async with running(app) as client:
        runtime = runtime_of(app)
        files = {"berkas_persyaratan": ("a.pdf", b"%PDF-1.4 x", "application/pdf")}
        late = (await client.post("/cases", headers=citizen, files=files, data={
            "data": json.dumps({"sop_key": KIA, "form": FORM})})).json()
        returned = (await client.post("/cases", headers=citizen, files=files, data={
            "data": json.dumps({"sop_key": KIA, "form": FORM})})).json()
        url = f"/cases/{returned['id']}/actions"
        await client.post(url, headers=operator, json={"action": "teruskan"})
        back = await client.post(url, headers=operator,
                                 json={"action": "tidak_lengkap", "comment": "kurang KK"})
        # 3 working days from Fri 15:50: Tue 18 Aug is day 1 (17 Aug is a holiday).
        assert back.json()["applicant_due_at"] == "2026-08-20T08:50:00Z"  # 15:50 WIB
        # "10 menit" from Fri 15:50 with office until 16:30 → due 16:00 the same day.
        assert late["current_step"]["due_at"] == "2026-08-14T09:00:00Z"  # 16:00 WIB

        before = _overdue_count()
        assert await runtime.sweeper.run_once() == (0, 0)
        clock.now = datetime(2026, 8, 14, 16, 5, tzinfo=JAKARTA)
        assert await runtime.sweeper.run_once() == (1, 0)
        assert await runtime.sweeper.run_once() == (0, 0)  # once per step
        assert _overdue_count() == before + 1

        shown = (await client.get(f"/cases/{late['id']}", headers=citizen)).json()
        assert shown["current_step"]["overdue"] is True
        async with runtime.sessions() as s:
            history = (await s.scalars(select(HistoryRow).where(
                HistoryRow.case_id == late["id"]).order_by(HistoryRow.seq))).all()
            assert [h.event for h in history] == ["case.submitted", "case.overdue"]
            assert history[1].comment == "Diteruskan ke Kepala Bidang, Disdukcapil"
            events = [json.loads(o.payload) for o in (await s.scalars(select(OutboxRow).where(
                OutboxRow.key == late["id"]).order_by(OutboxRow.id))).all()]
            assert [e["type"] for e in events] == ["case.submitted", "case.overdue"]
            assert events[1]["actor_agency"] == "disdukcapil"

        # The applicant lets the deadline pass: the case closes as expired, once.
        clock.now = datetime(2026, 8, 20, 15, 51, tzinfo=JAKARTA)
        # The late step is not flagged again; it has stood at the kabid since Friday 16:05 and
        # now, a working day on (Tuesday 18 August, after the holiday), escalates to the
        # kepala dinas: one expiry and one escalation.
        assert await runtime.sweeper.run_once() == (0, 2)
        async with runtime.sessions() as s:
            still_late = await s.get(CaseRow, late["id"])
            assert still_late is not None
            assert (still_late.escalation_level, still_late.escalated2_role) == (
                2, "kepala_dinas")
        async with runtime.sessions() as s:
            row = await s.get(CaseRow, returned["id"])
            assert row is not None and row.status == "expired"
            assert row.outcome_reason == "Batas waktu melengkapi berkas terlewati"
        late_resubmit = await client.post(url, headers=citizen, json={"action": "lengkapi",
                                                                 "comment": "Sudah lengkap"})
        assert late_resubmit.status_code == 409
        assert late_resubmit.json()["code"] == "case-closed"
        assert await runtime.sweeper.run_once() == (0, 0)


async def test_resubmission_after_deadline_is_refused_before_the_sweep(tmp_path: Path) -> None:
    tokens = TestTokens()
    clock = Clock(datetime(2026, 3, 17, 10, 0, tzinfo=JAKARTA))  # Tuesday before Nyepi/Idul Fitri
    app = create_app(service_settings("dukcapil", f"sqlite+aiosqlite:///{tmp_path}/d.db",
                                      tmp_path), wiring(tokens, clock=clock))
    citizen = tokens.headers("warga-1", "citizen")
    operator = tokens.headers("op-1", "disdukcapil:operator")
    async with running(app) as client:
        files = {"berkas_persyaratan": ("a.pdf", b"%PDF-1.4 x", "application/pdf")}
        case = (await client.post("/cases", headers=citizen, files=files, data={
            "data": json.dumps({"sop_key": KIA, "form": FORM})})).json()
        url = f"/cases/{case['id']}/actions"
        await client.post(url, headers=operator, json={"action": "teruskan"})
        back = (await client.post(url, headers=operator, json={
            "action": "tidak_lengkap", "comment": "foto"})).json()
        # Tue 17 Mar + 3 working days skips 18-24 Mar (Nyepi and its cuti bersama, Idul Fitri
        # and its cuti bersama, the weekend): 25, 26, 27 March.
        assert back["applicant_due_at"] == "2026-03-27T03:00:00Z"  # 10:00 WIB
        clock.now = datetime(2026, 3, 27, 10, 1, tzinfo=JAKARTA)
        late = await client.post(url, headers=citizen, json={"action": "lengkapi",
                                                                 "comment": "Sudah lengkap"})
        assert late.status_code == 409 and late.json()["code"] == "resubmission-late"
        clock.now -= timedelta(minutes=2)
        in_time = await client.post(url, headers=citizen, json={"action": "lengkapi",
                                                                 "comment": "Sudah lengkap"})
        assert in_time.status_code == 200 and in_time.json()["status"] == "open"


def _gauge(name: str, labels: dict[str, str]) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


async def test_gauges_follow_the_cases_and_leave_other_services_alone(tmp_path: Path) -> None:
    from shared.observability.metrics import OPEN_CASES
    tokens = TestTokens()
    clock = Clock(datetime(2026, 8, 14, 15, 50, tzinfo=JAKARTA))
    app = create_app(service_settings("dukcapil", f"sqlite+aiosqlite:///{tmp_path}/d.db",
                                      tmp_path), wiring(tokens, clock=clock))
    citizen = tokens.headers("warga-1", "citizen")
    operator = tokens.headers("op-1", "disdukcapil:operator")
    # Another service's sweeper in the same process (all-in-one) set its own series.
    OPEN_CASES.labels("pajak", "pajak-uji", "verifikasi", "open").set(5)
    first_step = {"service": "dukcapil", "sop": KIA, "step": "verifikasi_permohonan",
                  "status": "open"}
    overdue = {"service": "dukcapil", "agency": "disdukcapil"}
    async with running(app) as client:
        runtime = runtime_of(app)
        files = {"berkas_persyaratan": ("a.pdf", b"%PDF-1.4 x", "application/pdf")}
        case = (await client.post("/cases", headers=citizen, files=files, data={
            "data": json.dumps({"sop_key": KIA, "form": FORM})})).json()
        await runtime.sweeper.refresh_gauges()
        assert _gauge("halo_open_cases", first_step) == 1
        assert _gauge("halo_overdue_open_steps", overdue) is None
        clock.now = datetime(2026, 8, 14, 16, 5, tzinfo=JAKARTA)  # due 16:00
        await runtime.sweeper.refresh_gauges()
        assert _gauge("halo_overdue_open_steps", overdue) == 1
        moved = await client.post(f"/cases/{case['id']}/actions", headers=operator,
                                  json={"action": "teruskan"})
        assert moved.status_code == 200
        await runtime.sweeper.refresh_gauges()
        # The step moved on: its series is gone, the late count with it, not left stale.
        assert _gauge("halo_open_cases", first_step) is None
        assert _gauge("halo_open_cases", {**first_step, "step": "verifikasi_berkas"}) == 1
        assert _gauge("halo_overdue_open_steps", overdue) is None
        assert _gauge("halo_open_cases", {"service": "pajak", "sop": "pajak-uji",
                                          "step": "verifikasi", "status": "open"}) == 5
    OPEN_CASES.remove("pajak", "pajak-uji", "verifikasi", "open")
