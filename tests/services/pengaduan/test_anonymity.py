"""Anonymous and secret complaints, through the gateway with the tracking part: an officer of
the agency cannot see the reporter of an ``anonim`` report in the case view, the inbox, the
unmask route, nor the gateway's tracking and agency views; break-glass is the only way in.
A ``rahasia`` report hides the reporter from every officer but the complaint desk."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select
from sqlmodel import col

from services.pengaduan import anonymity
from shared.db.tables import AuditRow
from shared.outputs.ca import LocalCa
from shared.outputs.signing import LocalSigner
from shared.outputs.tables import CaseOutputRow
from tests.gateway.routing.harness import PDF, Stack, gateway_stack

SOP = "inspektorat-pengaduan-masyarakat"
BASE = "/api/v1/pengaduan"
NIK = "1801014101900001"
REPORTER = {"nama_pengadu": "Siti Aminah", "nik_pengadu": NIK,
            "telepon_pengadu": "081234567890", "alamat_pengadu": "Jl. Merdeka 1, Kalianda"}
IDENTITY = list(REPORTER)
TRACES = ("Siti", "S***", NIK, "1801", "081234567890", "Merdeka", "warga-anon")


def form(**extra: Any) -> dict[str, Any]:
    return {"perihal": "Pungutan liar", "uraian": "Diminta uang untuk surat pengantar.",
            "lokasi_kejadian": "Kantor Kecamatan Sidomulyo", **REPORTER, **extra}


async def _open(stack: Stack, who: dict[str, str], **extra: Any) -> dict[str, Any]:
    response = await stack.client.post(f"{BASE}/cases", headers=who,
                                       json={"sop_key": SOP, "form": form(**extra)})
    assert response.status_code == 201, response.text
    return dict(response.json())


def _no_trace(body: Any) -> None:
    text = json.dumps(body)
    for trace in TRACES:
        assert trace not in text, trace


async def test_an_anonymous_reporter_is_hidden_from_every_officer_view(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, services=("pengaduan",)) as stack:
        citizen = stack.headers("warga-anon", "citizen")
        desk = stack.headers("fo-insp", "inspektorat:front_office")
        head = stack.headers("kadis-insp", "inspektorat:kepala_dinas")
        case = await _open(stack, citizen, anonim=True)
        plain = await _open(stack, stack.headers("warga-biasa", "citizen"))
        async with stack.service("pengaduan").sessions() as session:
            assert await anonymity.level_of(session, case["id"]) == "anonim"
            assert await anonymity.level_of(session, plain["id"]) == "biasa"

        own = (await stack.client.get(f"{BASE}/cases/{case['id']}", headers=citizen)).json()
        assert own["form"]["nama_pengadu"] == "Siti Aminah" and own["masked"] == []

        seen = (await stack.client.get(f"{BASE}/cases/{case['id']}", headers=desk)).json()
        assert {k: seen["form"][k] for k in IDENTITY} == dict.fromkeys(IDENTITY,
                                                                       "[dirahasiakan]")
        assert set(IDENTITY) <= set(seen["masked"])
        assert seen["form"]["perihal"] == "Pungutan liar"  # the report itself stays readable
        _no_trace(seen)
        other = (await stack.client.get(f"{BASE}/cases/{plain['id']}", headers=desk)).json()
        assert other["form"]["nama_pengadu"] == "S*** A***"  # an ordinary report: masked

        inbox = (await stack.client.get(f"{BASE}/cases?scope=inbox", headers=desk)).json()
        item = next(i for i in inbox["items"] if i["case_id"] == case["id"])
        _no_trace(item)

        refused = await stack.client.post(f"{BASE}/cases/{case['id']}/unmask", headers=desk,
                                          json={"reason": "Menghubungi pelapor untuk klarifikasi"})
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "unmask-not-permitted"
        _no_trace(refused.json())
        allowed = await stack.client.post(f"{BASE}/cases/{plain['id']}/unmask", headers=desk,
                                          json={"reason": "Menghubungi pelapor untuk klarifikasi"})
        assert allowed.status_code == 200, allowed.text

        glass = await stack.client.post(
            f"{BASE}/cases/{case['id']}/unmask/break-glass", headers=head,
            json={"reason": "Permintaan tertulis Kepolisian atas laporan pemerasan"})
        assert glass.status_code == 200, glass.text
        assert glass.json()["form"]["nik_pengadu"] == NIK
        async with stack.service("pengaduan").sessions() as session:
            audits = list(await session.scalars(select(AuditRow).where(
                col(AuditRow.target) == f"case/{case['id']}")))
        assert [a.action for a in audits] == ["pii.break_glass"]

        await stack.sync()
        tracked = await stack.client.get(f"/api/v1/tracking/{case['tracking_no']}",
                                         headers=desk)
        assert tracked.status_code == 200, tracked.text
        _no_trace(tracked.json())
        gateway_inbox = (await stack.client.get("/api/v1/inbox", headers=desk)).json()
        assert case["tracking_no"] in json.dumps(gateway_inbox)
        _no_trace(gateway_inbox)
        workload = await stack.client.get("/api/v1/agencies/inspektorat/workload?view=open",
                                          headers=desk)
        assert workload.status_code == 200, workload.text
        assert case["tracking_no"] in workload.text
        _no_trace(workload.json())


async def test_a_secret_report_shows_its_reporter_to_the_desk_only(tmp_path: Path) -> None:
    """``rahasia`` (as a LAPOR! report can be): the complaint desk (the first officer step's
    role, ``front_office``) reads the reporter masked and may reveal; the Irban, who holds a
    later step, reads ``[dirahasiakan]`` and cannot reveal."""
    async with gateway_stack(tmp_path, services=("pengaduan",)) as stack:
        case = await _open(stack, stack.headers("warga-anon", "citizen"))
        runtime = stack.service("pengaduan")
        async with runtime.sessions() as session:
            await anonymity.set_level(session, case["id"], "rahasia", "lapor", runtime.clock())
            await session.commit()
            assert await anonymity.is_public(session, case["id"]) is False
        desk = stack.headers("fo-insp", "inspektorat:front_office")
        irban = stack.headers("irban-insp", "inspektorat:irban")
        seen = (await stack.client.get(f"{BASE}/cases/{case['id']}", headers=desk)).json()
        assert seen["form"]["nama_pengadu"] == "S*** A***"
        reason = {"reason": "Menghubungi pelapor untuk klarifikasi"}
        assert (await stack.client.post(f"{BASE}/cases/{case['id']}/unmask", headers=desk,
                                        json=reason)).status_code == 200
        hidden = await stack.client.get(f"{BASE}/cases/{case['id']}", headers=irban)
        assert hidden.status_code == 200, hidden.text
        assert hidden.json()["form"]["nama_pengadu"] == "[dirahasiakan]"
        _no_trace(hidden.json())
        assert (await stack.client.post(f"{BASE}/cases/{case['id']}/unmask", headers=irban,
                                        json=reason)).status_code == 403


async def test_the_identity_card_of_an_anonymous_reporter_is_kept_from_officers(
        tmp_path: Path) -> None:
    """Dinkes asks for the reporter's KTP scan: on an anonymous report the desk lists and
    downloads the supporting evidence, but the KTP is absent (404 as if it did not exist);
    the reporter still downloads their own."""
    async with gateway_stack(tmp_path, services=("pengaduan",)) as stack:
        citizen = stack.headers("warga-anon", "citizen")
        desk = stack.headers("fo-dinkes", "dinkes:front_office")
        body = {"sop_key": "dinkes-pengaduan-bidang-kesehatan", "form": {
            "nama_pelapor": "Siti Aminah", "nik_pelapor": NIK,
            "telepon_pelapor": "081234567890", "perihal": "Obat kosong",
            "uraian": "Puskesmas tidak punya obat.", "lokasi_kejadian": "Puskesmas Kalianda",
            "rahasiakan_identitas": True}}
        opened = await stack.client.post(
            f"{BASE}/cases", headers=citizen, data={"data": json.dumps(body)},
            files={"identitas_diri": ("ktp.pdf", PDF, "application/pdf"),
                   "bukti_pendukung": ("foto.pdf", PDF, "application/pdf")})
        assert opened.status_code == 201, opened.text
        case = opened.json()
        seen = (await stack.client.get(f"{BASE}/cases/{case['id']}", headers=desk)).json()
        assert [d["key"] for d in seen["documents"]] == ["bukti_pendukung"]
        assert seen["form"]["nama_pelapor"] == "[dirahasiakan]"
        listed = (await stack.client.get(f"{BASE}/cases/{case['id']}/documents",
                                         headers=desk)).json()
        assert [d["key"] for d in listed] == ["bukti_pendukung"]
        own = {d["key"]: d["url"] for d in case["documents"]}
        assert set(own) == {"identitas_diri", "bukti_pendukung"}
        ktp = await stack.client.get(f"{BASE}{own['identitas_diri']}", headers=desk)
        assert ktp.status_code == 404, ktp.text
        evidence = await stack.client.get(f"{BASE}{own['bukti_pendukung']}", headers=desk)
        assert evidence.status_code == 200 and evidence.content == PDF
        mine = await stack.client.get(f"{BASE}{own['identitas_diri']}", headers=citizen)
        assert mine.status_code == 200 and mine.content == PDF


async def _receipt(stack: Stack, case: dict[str, Any], desk: dict[str, str]) -> dict[str, Any]:
    """Walk the case to the Inspektorat's receipt (tanda terima), sign it, return it."""
    for action in ("terima", "lengkap", "sampaikan"):
        moved = await stack.client.post(f"{BASE}/cases/{case['id']}/actions", headers=desk,
                                        json={"action": action})
        assert moved.status_code == 200, moved.text
    outputs = stack.service("pengaduan").outputs
    assert outputs is not None
    assert await outputs.worker.run_once() == 1
    (receipt,) = (await stack.client.get(f"{BASE}/cases/{case['id']}/outputs",
                                         headers=desk)).json()
    return dict(receipt)


async def test_the_documents_issued_on_an_anonymous_report_name_nobody(tmp_path: Path) -> None:
    """The receipt of an anonymous report says ``[dirahasiakan]`` where the holder goes, in
    the signed PDF (no name, no NIK) and on the public verification page; an ordinary
    report's receipt keeps the masked name."""
    async with gateway_stack(tmp_path, services=("pengaduan",)) as stack:
        outputs = stack.service("pengaduan").outputs
        assert outputs is not None
        outputs.worker.signer = LocalSigner(LocalCa())
        desk = stack.headers("fo-insp", "inspektorat:front_office")
        hidden = await _open(stack, stack.headers("warga-anon", "citizen"), anonim=True)
        plain = await _open(stack, stack.headers("warga-biasa", "citizen"))
        receipt = await _receipt(stack, hidden, desk)
        pdf = await stack.client.get(
            f"{BASE}/cases/{hidden['id']}/outputs/{receipt['id']}/pdf", headers=desk)
        assert pdf.status_code == 200, pdf.text
        text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
        assert "[dirahasiakan]" in text
        for trace in ("Siti", "S***", "1801*", "********"):
            assert trace not in text, trace
        async with stack.service("pengaduan").sessions() as session:
            rows = {r.case_id: r.holder_masked for r in await session.scalars(
                select(CaseOutputRow))}
        assert rows[hidden["id"]] == "[dirahasiakan]"
        await _receipt(stack, plain, desk)
        async with stack.service("pengaduan").sessions() as session:
            rows = {r.case_id: r.holder_masked for r in await session.scalars(
                select(CaseOutputRow))}
        assert rows[plain["id"]] == "S*** A***"
