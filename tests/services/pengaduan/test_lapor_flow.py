"""SP4N-LAPOR! end to end on SQLite and PostgreSQL: the pull opens cases (idempotent on the
LAPOR! id), officers' actions are pushed back (retried through an outage), the deadlines
are listed with their standing. The adapter speaks real HTTP to the stand-in."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from services.pengaduan import anonymity
from services.pengaduan.adapters.lapor import HttpLapor, LaporReport, PushKind
from services.pengaduan.lapor_pull import pull_once
from services.pengaduan.lapor_sync import lapor_loop, send_due
from services.pengaduan.lapor_tables import LaporPushRow, LaporReportRow
from shared.db.tables import CaseRow
from tests.services.pengaduan.lapor_harness import START, TOKENS, WIB, Lapor, lapor_app, lp
from tests.support.lapor_standin import laporan

__all__ = ["lapor_app", "lp"]
NIK = "1801014101900001"
SITI = {"id": "pelapor-77", "nama": "Siti Aminah", "nik": NIK, "telepon": "081234567890",
        "alamat": "Jl. Merdeka 1, Kalianda"}
DESK = TOKENS.headers("fo-inspektorat", "inspektorat:front_office")
DINKES_DESK = TOKENS.headers("fo-dinkes", "dinkes:front_office")
DLH = TOKENS.headers("fo-dlh", "dlh:front_office")
CITIZEN = TOKENS.headers("warga-9", "citizen")
ASSIGNED = datetime(2026, 12, 3, 9, 0, tzinfo=WIB)


async def _reports(lp: Lapor) -> list[LaporReportRow]:
    async with lp.runtime.sessions() as session:
        return list(await session.scalars(select(LaporReportRow)
                                          .order_by(LaporReportRow.lapor_id)))


async def _pushes(lp: Lapor) -> list[LaporPushRow]:
    async with lp.runtime.sessions() as session:
        return list(await session.scalars(select(LaporPushRow).order_by(LaporPushRow.at,
                                                                        LaporPushRow.kind)))


async def _case(lp: Lapor, case_id: str) -> CaseRow:
    async with lp.runtime.sessions() as session:
        row = await session.get(CaseRow, case_id)
        assert row is not None
        return row


async def test_pull_opens_each_report_once_on_its_sop(lp: Lapor) -> None:
    """Three reports over two pages: one to PDAM with a full reporter (PDAM's form), one to
    PDAM but anonymous (PDAM needs the reporter's name, phone and address: the default SOP,
    the Inspektorat's), one of an unknown category (the default). A second pull opens
    nothing."""
    lp.standin.reports += [
        laporan("LPR-1", ASSIGNED, instansi="pdam", pelapor=SITI),
        laporan("LPR-2", ASSIGNED, instansi="pdam", kerahasiaan="anonim"),
        laporan("LPR-3", ASSIGNED + timedelta(minutes=5), kategori="lainnya", pelapor=SITI)]
    first = await pull_once(lp.runtime, lp.client)
    assert (first.opened, first.known, first.failed) == (3, 0, 0)
    rows = await _reports(lp)
    assert [(r.lapor_id, r.sop_key, r.agency, r.sync_state) for r in rows] == [
        ("LPR-1", "pdam-pengaduan-pelanggan", "pdam", "dibuka"),
        ("LPR-2", "inspektorat-pengaduan-masyarakat", "inspektorat", "dibuka"),
        ("LPR-3", "inspektorat-pengaduan-masyarakat", "inspektorat", "dibuka")]
    for row in rows:
        case = await _case(lp, str(row.case_id))
        assert case.tracking_no == row.tracking_no and case.status == "open"
        assert case.applicant_id.startswith("lapor:") and len(case.applicant_id) == 38
    one, two, three = [await _case(lp, str(r.case_id)) for r in rows]
    assert one.applicant_id == three.applicant_id != two.applicant_id  # same reporter
    assert one.form["perihal"] == "Jalan rusak di depan sekolah"
    assert one.form["telepon_pelapor"].startswith("enc:v1:")
    assert "081234567890" not in json.dumps(one.form)
    assert three.form["nik_pengadu"].startswith("enc:v1:") and NIK not in json.dumps(three.form)
    assert "nama_pengadu" not in two.form and two.form["anonim"] is True

    lp.clock.advance(minutes=10)
    again = await pull_once(lp.runtime, lp.client)
    assert (again.opened, again.known) == (0, 3)  # all three seen again, none reopened
    since = parse_qs(lp.standin.calls[-1].split("?", 1)[1])["sejak"][0]
    assert datetime.fromisoformat(since) == ASSIGNED + timedelta(minutes=5) - timedelta(days=1)
    assert len(await _reports(lp)) == 3


async def test_the_reporter_is_sealed_and_the_deadlines_computed_at_pull(lp: Lapor) -> None:
    """Assigned Thu 3 Dec 2026 09:00 WIB: + 3 working days (Fri 4, Mon 7, Tue 8) = Tue 8 Dec
    09:00; + 5 (Wed 9, Thu 10) = Thu 10 Dec 09:00; + 10 (Fri 11, Mon 14 .. Thu 17) = Thu 17
    Dec 09:00."""
    lp.standin.reports.append(laporan("LPR-5", ASSIGNED, kerahasiaan="rahasia", pelapor=SITI))
    await pull_once(lp.runtime, lp.client)
    (row,) = await _reports(lp)
    assert row.reporter_sealed is not None and row.reporter_sealed.startswith("enc:v1:")
    assert "Siti" not in row.reporter_sealed
    assert json.loads(lp.runtime.cases.cipher.decrypt(row.reporter_sealed))["nik"] == NIK
    assert (row.due_verify, row.due_followup, row.due_followup_extended) == (
        datetime(2026, 12, 8, 9, tzinfo=WIB), datetime(2026, 12, 10, 9, tzinfo=WIB),
        datetime(2026, 12, 17, 9, tzinfo=WIB))
    async with lp.runtime.sessions() as session:
        assert await anonymity.level_of(session, str(row.case_id)) == "rahasia"


async def test_actions_are_pushed_and_an_outage_is_retried(lp: Lapor) -> None:
    """The pull queues ``terima``; the desk's two actions queue two follow-ups; LAPOR! is down
    on the first pass (retried 5 s later, the same idempotency key), the rejection queues the
    closing with its reason. LAPOR! receives each push once, in order."""
    lp.standin.reports.append(laporan("LPR-7", ASSIGNED, pelapor=SITI))
    await pull_once(lp.runtime, lp.client)
    (row,) = await _reports(lp)
    sent = await send_due(lp.runtime, lp.client)
    assert sent.sent == 1
    (terima,) = lp.standin.pushed("terima")
    assert terima["referensi"] == row.tracking_no and str(row.tracking_no) in terima["isi"]

    lp.clock.advance(hours=1)
    await lp.act(str(row.case_id), DESK, "terima")
    lp.standin.fail(503, 503)
    outage = await send_due(lp.runtime, lp.client)
    assert (outage.sent, outage.retried) == (0, 1)
    pending = [p for p in await _pushes(lp) if p.status == "pending"]
    assert len(pending) == 1 and pending[0].last_error == "lapor-GANGGUAN"
    assert pending[0].next_attempt_at == lp.clock.now + timedelta(seconds=5)
    assert (await send_due(lp.runtime, lp.client)).sent == 0  # not due yet

    lp.clock.advance(seconds=6)
    assert (await send_due(lp.runtime, lp.client)).retried == 1  # the second 503
    lp.clock.advance(seconds=11)
    assert (await send_due(lp.runtime, lp.client)).sent == 1
    (follow,) = lp.standin.pushed("tindak_lanjut")
    assert follow["isi"].endswith("Pengaduan diterima.")

    lp.clock.advance(hours=1)
    await lp.act(str(row.case_id), DESK, "tolak", comment="Bukan kewenangan daerah")
    assert (await send_due(lp.runtime, lp.client)).sent == 2
    assert [p["jenis"] for p in lp.standin.pushed()] == [
        "terima", "tindak_lanjut", "tindak_lanjut", "selesai"]
    closing = lp.standin.pushed("selesai")[0]["isi"]
    assert closing == "Laporan ditolak. Alasan: Bukan kewenangan daerah"
    assert all(p.status == "sent" for p in await _pushes(lp))
    (row,) = await _reports(lp)
    assert row.sync_state == "selesai" and row.closed_at is not None
    assert row.verified_at == START + timedelta(hours=1)


async def test_a_refused_push_is_kept_as_failed(lp: Lapor) -> None:
    """LAPOR! no longer knows the report (404): the push is kept ``failed``, not retried."""
    lp.standin.reports.append(laporan("LPR-8", ASSIGNED))
    await pull_once(lp.runtime, lp.client)
    lp.standin.reports.clear()
    got = await send_due(lp.runtime, lp.client)
    assert got.failed == 1
    (push,) = await _pushes(lp)
    assert (push.status, push.last_error, push.next_attempt_at) == (
        "failed", "lapor-LAPORAN", None)


async def test_the_deadline_list_flags_the_overdue(lp: Lapor) -> None:
    """Report LPR-10 (Inspektorat) verified on time; LPR-11 untouched. On Fri 11 Dec 10:00
    LPR-11 is late: verification due Tue 8 Dec 09:00 (Wed 9, Thu 10, Fri 11 = 3 working
    days), follow-up due Thu 10 Dec 09:00 (Fri 11 = 1); LPR-10's follow-up is late by 1 too.
    Extended, LPR-10's follow-up (due Thu 17 Dec) runs again. Dinkes's officer sees none."""
    lp.standin.reports += [laporan("LPR-10", ASSIGNED), laporan("LPR-11", ASSIGNED)]
    await pull_once(lp.runtime, lp.client)
    ten = (await _reports(lp))[0]
    await lp.act(str(ten.case_id), DESK, "terima")
    lp.clock.now = datetime(2026, 12, 11, 10, 0, tzinfo=WIB)
    page = (await lp.http.get("/lapor/laporan", headers=DESK)).json()
    assert page["total"] == 2
    by_id = {i["lapor_id"]: i for i in page["items"]}
    late = {d["nama"]: (d["status"], d["terlambat_hari_kerja"])
            for d in by_id["LPR-11"]["batas_waktu"]}
    assert late == {"verifikasi": ("terlambat", 3), "tindak_lanjut": ("terlambat", 1)}
    on_time = {d["nama"]: d["status"] for d in by_id["LPR-10"]["batas_waktu"]}
    assert on_time == {"verifikasi": "tepat_waktu", "tindak_lanjut": "terlambat"}
    assert by_id["LPR-11"]["terlambat"] is True
    assert [p["jenis"] for p in by_id["LPR-10"]["push"]] == ["terima", "tindak_lanjut"]
    assert "Siti" not in json.dumps(page)

    extended = await lp.http.post("/lapor/laporan/LPR-10/perpanjang", headers=DESK)
    assert extended.status_code == 200, extended.text
    assert {d["nama"]: d["status"] for d in extended.json()["batas_waktu"]} == {
        "verifikasi": "tepat_waktu", "tindak_lanjut_diperpanjang": "berjalan"}
    overdue = (await lp.http.get("/lapor/laporan?terlambat=true", headers=DESK)).json()
    assert [i["lapor_id"] for i in overdue["items"]] == ["LPR-11"]

    assert (await lp.http.get("/lapor/laporan", headers=DLH)).json()["total"] == 0
    other = await lp.http.post("/lapor/laporan/LPR-10/perpanjang", headers=DINKES_DESK)
    assert other.status_code == 404
    citizen = await lp.http.get("/lapor/laporan", headers=CITIZEN)
    assert citizen.status_code == 403
    assert citizen.headers["content-type"].startswith("application/problem+json")


async def test_status_says_whether_lapor_is_configured(lp: Lapor,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HALO_PENGADUAN_LAPOR_URL", raising=False)
    body = (await lp.http.get("/lapor/status", headers=DESK)).json()
    assert body["terhubung"] is False and "HALO_PENGADUAN_LAPOR_URL" in body["alasan"]
    monkeypatch.setenv("HALO_PENGADUAN_LAPOR_URL", "https://lapor.example")
    monkeypatch.setenv("HALO_PENGADUAN_LAPOR_TOKEN", "t")
    lp.standin.reports.append(laporan("LPR-20", ASSIGNED))
    await pull_once(lp.runtime, lp.client)
    body = (await lp.http.get("/lapor/status", headers=DESK)).json()
    assert (body["terhubung"], body["alasan"], body["laporan"], body["push"]) == (
        True, None, 1, {"pending": 1})


class _StopAfterPush:
    """The real adapter, which ends the loop once a push went through (no timing)."""

    def __init__(self, inner: HttpLapor, stop: asyncio.Event) -> None:
        self.inner, self.stop = inner, stop

    async def pull_assigned(self, since: datetime | None) -> list[LaporReport]:
        return await self.inner.pull_assigned(since)

    async def push(self, kind: PushKind, ref: str, text: str, at: datetime, key: str,
                   reference: str | None = None) -> str:
        got = await self.inner.push(kind, ref, text, at, key, reference)
        self.stop.set()
        return got

    async def aclose(self) -> None:
        """The test's adapter is closed by the fixture."""


async def test_the_background_loop_pulls_then_pushes(lp: Lapor) -> None:
    """One pass of the service's loop: the report is pulled, its case opened and the
    ``terima`` push sent; the loop then ends at the stop."""
    lp.standin.reports.append(laporan("LPR-30", ASSIGNED))
    stop = asyncio.Event()
    await lapor_loop(_StopAfterPush(lp.client, stop))(lp.runtime, stop)
    (row,) = await _reports(lp)
    assert row.sync_state == "dibuka"
    assert [(p["laporan"], p["jenis"]) for p in lp.standin.pushed()] == [("LPR-30", "terima")]
