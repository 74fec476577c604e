"""The gateway's public ``/verify/{code}``: the service named by the code answers, shown as
HTML for a browser and JSON otherwise; unknown or forged codes are a clear 404, a service
that is down a 503. End to end on the KIA: walked to its TTE step through the gateway,
signed by the worker, downloaded through the gateway and checked."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from shared.outputs.codes import mask_name
from shared.outputs.render import tanggal
from tests.gateway.routing.harness import KIA_FORM, Stack, gateway_stack
from tests.shared.outputs.support import qr_texts, validate

HTML = {"Accept": "text/html,application/xhtml+xml"}


def parts() -> list[Any]:
    return [importlib.import_module(f"gateway.{p}.part").PART
            for p in ("catalog", "tracking", "verify", "routing")]


@pytest.fixture
async def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Stack]:
    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("HALO_SIGNER", raising=False)
    async with gateway_stack(tmp_path, ("dukcapil",), parts=parts) as running:
        yield running


async def issued_kia(stack: Stack) -> tuple[dict[str, Any], dict[str, Any]]:
    citizen = stack.headers("warga-a", "citizen")
    case = await stack.open_kia(citizen)
    for who, action in (("disdukcapil:operator", "teruskan"), ("disdukcapil:operator", "lengkap"),
                        ("disdukcapil:kabid", "sampaikan_ke_kadis"),
                        ("disdukcapil:kepala_dinas", "tte")):
        await stack.act(case["id"], stack.headers(f"petugas-{who}", who), action)
    outputs = stack.service("dukcapil").outputs
    assert outputs is not None
    assert await outputs.worker.run_once() == 1
    listed = await stack.client.get(f"/api/v1/dukcapil/cases/{case['id']}/outputs",
                                    headers=citizen)
    [output] = listed.json()
    return case, output


async def test_a_browser_sees_the_valid_document_and_nothing_personal(stack: Stack) -> None:
    case, output = await issued_kia(stack)
    page = await stack.client.get(f"/verify/{output['verify_code']}", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    for shown in ("DOKUMEN SAH", output["number"], "Kartu Identitas Anak (KIA)",
                  "Dinas Kependudukan dan Pencatatan Sipil", mask_name(KIA_FORM["nama_anak"]),
                  "Kepala Dinas", output["sha256"], tanggal(stack.clock.now)):
        assert shown in page.text, shown
    for hidden in (KIA_FORM["nik_anak"], KIA_FORM["nomor_kk"], KIA_FORM["nama_anak"],
                   case["tracking_no"]):
        assert hidden not in page.text
    data = await stack.client.get(f"/verify/{output['verify_code'].lower()}")
    assert data.headers["content-type"] == "application/json"
    assert data.json()["status"] == "valid" and data.json()["number"] == output["number"]


async def test_the_pdf_downloaded_through_the_gateway_is_signed_and_points_here(
        stack: Stack) -> None:
    _, output = await issued_kia(stack)
    pdf = await stack.client.get(f"/api/v1/dukcapil{output['pdf_url']}",
                                 headers=stack.headers("warga-a", "citizen"))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    outputs = stack.service("dukcapil").outputs
    assert outputs is not None
    status = await validate(pdf.content, outputs.worker.signer.ca)  # type: ignore[attr-defined]
    assert status.intact and status.trusted
    [url] = qr_texts(pdf.content)
    assert url == f"http://127.0.0.1:8000/verify/{output['verify_code']}"
    path = url.removeprefix("http://127.0.0.1:8000")
    assert (await stack.client.get(path)).json()["sha256"] == output["sha256"]


async def test_a_revoked_document_says_so_with_its_reason(stack: Stack) -> None:
    case, output = await issued_kia(stack)
    revoked = await stack.client.post(
        f"/api/v1/dukcapil/cases/{case['id']}/outputs/{output['id']}/revoke",
        headers=stack.headers("kadis-1", "disdukcapil:kepala_dinas"),
        json={"reason": "Diterbitkan ulang karena salah tanggal lahir"})
    assert revoked.status_code == 200, revoked.text
    page = await stack.client.get(f"/verify/{output['verify_code']}", headers=HTML)
    assert "DOKUMEN DICABUT" in page.text and "salah tanggal lahir" in page.text
    data = (await stack.client.get(f"/verify/{output['verify_code']}")).json()
    assert data["status"] == "revoked" and data["revoke_reason"].startswith("Diterbitkan")


@pytest.mark.parametrize("code", ["DK-00000-00000-00000-00000", "DK-12345", "palsu",
                                  "XX-00000-00000-00000-00000"])
async def test_unknown_or_forged_codes_are_a_clear_404(stack: Stack, code: str) -> None:
    data = await stack.client.get(f"/verify/{code}")
    assert data.status_code == 404
    assert data.headers["content-type"] == "application/problem+json"
    assert data.json()["code"] == "output-unknown"
    assert "tidak dikenal" in data.json()["detail"]
    page = await stack.client.get(f"/verify/{code}", headers=HTML)
    assert page.status_code == 404 and "DOKUMEN TIDAK DIKENAL" in page.text
    english = await stack.client.get(f"/verify/{code}", headers={**HTML,
                                                                 "Accept-Language": "en"})
    assert "Unknown verification code" in english.text


async def test_a_service_that_is_down_is_a_503_not_an_unknown(stack: Stack) -> None:
    response = await stack.client.get("/verify/IZ-00000-00000-00000-00000")
    assert response.status_code == 503
    assert response.json()["code"] == "service-unavailable"
