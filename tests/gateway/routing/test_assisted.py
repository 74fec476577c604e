"""Through the gateway: an officer's submission for a citizen (``on_behalf_of``) must name an
active citizen account (else 422 ``on-behalf-of-unknown`` and the service sees nothing),
with JSON and multipart bodies in either part order; the officer's case view is masked and
``POST .../unmask`` passes the proxy uncached."""

from __future__ import annotations

import hashlib
import importlib
import json
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select, update

from gateway.identity.part import make_part
from gateway.identity.tables import AccountRow
from shared.db.tables import CaseRow
from tests.gateway.identity.support import CITIZEN, SETTINGS
from tests.gateway.routing.harness import KIA, KIA_FORM, PDF, Stack, gateway_stack

CASES = "/api/v1/dukcapil/cases"


def _parts() -> list[Any]:
    return [make_part(SETTINGS), *(importlib.import_module(f"gateway.{p}.part").PART
                                   for p in ("catalog", "tracking", "routing"))]


async def _citizen(stack: Stack) -> str:
    response = await stack.client.post("/api/v1/auth/register", json=CITIZEN)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _cases(stack: Stack) -> int:
    async with stack.service("dukcapil").sessions() as session:
        return await session.scalar(select(func.count()).select_from(CaseRow)) or 0


def _multipart(on_behalf_of: str, *, data_first: bool = True, pdf: bytes = PDF
               ) -> tuple[bytes, str]:
    """A multipart body with the ``data`` part first or after the file."""
    boundary = "halo-batas-uji"
    data = json.dumps({"sop_key": KIA, "form": KIA_FORM, "on_behalf_of": on_behalf_of})
    parts = [(b'Content-Disposition: form-data; name="data"\r\n\r\n', data.encode()),
             (b'Content-Disposition: form-data; name="berkas_persyaratan"; '
              b'filename="berkas.pdf"\r\nContent-Type: application/pdf\r\n\r\n', pdf)]
    if not data_first:
        parts.reverse()
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + head + value + b"\r\n"
                    for head, value in parts) + b"--" + boundary.encode() + b"--\r\n"
    return body, f"multipart/form-data; boundary={boundary}"


async def _submit(stack: Stack, who: dict[str, str], on_behalf_of: str, **kw: Any
                  ) -> httpx.Response:
    body, content_type = _multipart(on_behalf_of, **kw)
    return await stack.client.post(CASES, content=body,
                                   headers={**who, "Content-Type": content_type})


async def test_an_unknown_or_inactive_citizen_is_refused_before_the_service(
        tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, parts=_parts) as stack:
        officer = stack.headers("fo-1", "disdukcapil:front_office")
        account = await _citizen(stack)
        for data_first in (True, False):
            refused = await _submit(stack, officer, "akun-tidak-ada", data_first=data_first)
            assert refused.status_code == 422, refused.text
            assert refused.json()["code"] == "on-behalf-of-unknown"
            assert "tidak ditemukan" in refused.json()["detail"]
        as_json = await stack.client.post(CASES, headers=officer, json={
            "sop_key": KIA, "form": KIA_FORM, "on_behalf_of": "akun-tidak-ada"})
        assert as_json.status_code == 422 and as_json.json()["code"] == "on-behalf-of-unknown"
        officer_account = await stack.client.post(CASES, headers=officer, json={
            "sop_key": KIA, "form": KIA_FORM, "on_behalf_of": "fo-1"})
        assert officer_account.json()["code"] == "on-behalf-of-unknown"
        async with stack.runtime.sessions() as session:
            await session.execute(update(AccountRow).where(
                AccountRow.id == account).values(status="disabled"))  # type: ignore[arg-type]
            await session.commit()
        disabled = await _submit(stack, officer, account)
        assert disabled.status_code == 422 and disabled.json()["code"] == "on-behalf-of-unknown"
        assert await _cases(stack) == 0


async def test_a_known_citizen_gets_the_case_whatever_the_part_order(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, parts=_parts) as stack:
        officer = stack.headers("fo-1", "disdukcapil:front_office")
        account = await _citizen(stack)
        big = b"%PDF-1.4 " + bytes(range(256)) * 6000  # over the 1 MiB held in memory
        for data_first, pdf in ((True, PDF), (False, PDF), (False, big)):
            response = await _submit(stack, officer, account, data_first=data_first, pdf=pdf)
            assert response.status_code == 201, response.text
            case = response.json()
            assert case["masked"] and case["form"]["nik_anak"] != KIA_FORM["nik_anak"]
            assert case["documents"][0]["sha256"] == hashlib.sha256(pdf).hexdigest()
            mine = await stack.client.get(f"{CASES}/{case['id']}",
                                          headers=stack.headers(account, "citizen"))
            assert mine.status_code == 200 and mine.json()["form"] == KIA_FORM
        assert await _cases(stack) == 3


async def test_citizens_submissions_pass_untouched(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, parts=_parts) as stack:
        citizen = stack.headers("warga-a", "citizen")
        refused = await _submit(stack, citizen, "akun-tidak-ada")
        assert refused.status_code == 403 and refused.json()["code"] == "assist-not-permitted"
        assert (await stack.open_kia(citizen))["form"] == KIA_FORM


async def test_unmask_through_the_gateway(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, parts=_parts) as stack:
        case = await stack.open_kia(stack.headers("warga-a", "citizen"))
        operator = stack.headers("op", "disdukcapil:operator")
        seen = (await stack.client.get(f"{CASES}/{case['id']}", headers=operator)).json()
        assert seen["form"]["nik_anak"] == "1801********0001"
        revealed = await stack.client.post(f"{CASES}/{case['id']}/unmask", headers=operator,
                                           json={"reason": "Verifikasi berkas di loket"})
        assert revealed.status_code == 200, revealed.text
        assert revealed.headers["cache-control"] == "no-store"
        assert revealed.json()["form"] == KIA_FORM
        stranger = stack.headers("petugas-dinkes", "dinkes:operator")
        refused = await stack.client.post(f"{CASES}/{case['id']}/unmask", headers=stranger,
                                          json={"reason": "Verifikasi berkas di loket"})
        assert refused.status_code == 404 and refused.json()["code"] == "case-not-found"
        no_reason = await stack.client.post(f"{CASES}/{case['id']}/unmask", headers=operator,
                                            json={})
        assert no_reason.status_code == 422
