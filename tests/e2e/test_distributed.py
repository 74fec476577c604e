"""The distributed mode on one machine, end to end: the gateway, seven services and their
workers as separate processes on fixed ports, over real PostgreSQL and Kafka
(``deploy/local/distributed.sh``). A citizen submits a KIA 0–5 request through the gateway,
officers walk it to completion, and the unified tracking (fed over Kafka) shows every step."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration
G = "http://127.0.0.1:8000"
FORM = {"nik_anak": "1801014505240001", "nama_anak": "Siti", "tanggal_lahir_anak": "2024-05-05",
        "nomor_kk": "1801012202200003", "pengambilan": "ambil_di_mpp"}


def _login(client: httpx.Client, login: str, password: str) -> dict[str, str]:
    response = client.post(f"{G}/api/v1/auth/login", json={"login": login, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_a_case_walks_through_the_distributed_processes(distributed: None) -> None:
    with httpx.Client(timeout=20) as client:
        for port in (8000, 8101, 8102, 8103, 8104, 8105, 8106, 8107):
            assert client.get(f"http://127.0.0.1:{port}/readyz").json() == {"status": "ready"}
        catalog = client.get(f"{G}/api/v1/catalog").json()
        assert catalog["total"] == 113 and catalog["unavailable"] == []
        warga = _login(client, "warga1@demo.halo.lamsel", "Demo-Warga-2026")
        officers = {role: _login(client, f"{role}.disdukcapil@demo.halo.lamsel",
                                 "Demo-Petugas-2026")
                    for role in ("operator", "kabid", "kepala_dinas")}
        opened = client.post(f"{G}/api/v1/dukcapil/cases", headers=warga,
                             files={"berkas_persyaratan": ("akta.pdf", b"%PDF-1.4 x",
                                                           "application/pdf")},
                             data={"data": json.dumps({"sop_key": "dukcapil-kia-0-5-tahun",
                                                       "form": FORM})})
        assert opened.status_code == 201, opened.text
        case = opened.json()
        walk = [("operator", "teruskan"), ("operator", "lengkap"), ("kabid", "sampaikan_ke_kadis"),
                ("kepala_dinas", "tte"), ("operator", "serahkan")]
        for role, action in walk:
            done = client.post(f"{G}/api/v1/dukcapil/cases/{case['id']}/actions",
                               headers=officers[role], json={"action": action})
            assert done.status_code == 200, done.text
        assert done.json()["status"] == "completed"
        deadline = time.monotonic() + 60
        while True:
            seen = client.get(f"{G}/api/v1/tracking/{case['tracking_no']}", headers=warga)
            types = [e["type"] for e in seen.json()["timeline"]] if seen.status_code == 200 \
                else []
            if "case.completed" in types and "case.output_issued" in types:
                break
            assert time.monotonic() < deadline, seen.text
            time.sleep(0.2)
        # The worker process signs the KIA after the kepala dinas step: its event lands in
        # the timeline after that step, wherever the operator's hand-over falls.
        timeline = [e for e in seen.json()["timeline"] if e["type"] != "case.output_issued"]
        assert [e["type"] for e in timeline] == ["case.submitted"] + [
            "case.step_completed"] * 4 + ["case.completed"]
        assert [e["actor_role"] for e in timeline[1:]] == [r for r, _ in walk]
        assert types.index("case.output_issued") > 4
        mine = client.get(f"{G}/api/v1/me/cases", headers=warga).json()
        assert case["tracking_no"] in [c["tracking_no"] for c in mine["items"]]
        other = _login(client, "warga2@demo.halo.lamsel", "Demo-Warga-2026")
        hidden = client.get(f"{G}/api/v1/tracking/{case['tracking_no']}", headers=other)
        assert hidden.status_code == 404
        _the_case_ends_as_a_citizen_expects(client, case, warga, seen.json())


def _the_case_ends_as_a_citizen_expects(client: httpx.Client, case: dict[str, Any],
                                        warga: dict[str, str], tracking: dict[str, Any]) -> None:
    """Across the processes: the signed output from tracking, its public verification, the
    citizen's notifications (written by the gateway's consumer over Kafka), the survey."""
    (output,) = tracking["outputs"]
    assert output["number"].startswith("470/") and output["revoked"] is False
    pdf = client.get(f"{G}{output['download_url']}", headers=warga)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["x-content-type-options"] == "nosniff"
    verified = client.get(f"{G}{output['verify_url']}").json()
    assert verified["status"] == "valid" and verified["number"] == output["number"]
    assert "1801014505240001" not in json.dumps(verified)
    deadline = time.monotonic() + 60
    while True:
        feed = client.get(f"{G}/api/v1/me/notifications?limit=100", headers=warga).json()
        mine = [n for n in feed["items"] if n["tracking_no"] == case["tracking_no"]]
        kinds = {(n["event_type"], n["kind"]) for n in mine}
        if {("case.submitted", "status"), ("case.output_issued", "status"),
                ("case.completed", "status"), ("case.completed", "survey")} <= kinds:
            break
        assert time.monotonic() < deadline, feed
        time.sleep(0.2)
    assert feed["unread_count"] >= len(mine)
    answers = {f"u{i}": 4 for i in range(1, 10)}
    rated = client.post(f"{G}/api/v1/survey/{case['tracking_no']}", headers=warga,
                        json={"answers": answers})
    assert rated.status_code == 201, rated.text
    again = client.post(f"{G}/api/v1/survey/{case['tracking_no']}", headers=warga,
                        json={"answers": answers})
    assert again.status_code == 409
