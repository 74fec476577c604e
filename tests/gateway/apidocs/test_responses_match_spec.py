"""Real answers validate against the merged document: every SOP's detail (with its form
definition), its service standard and its versions, in all seven services; and a KIA case
opened, acted on, read, listed and tracked. Generated requests seldom reach these (they need
a real SOP key or case id), so they are called here by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from gateway.settings import SERVICES
from tests.gateway.apidocs.support import errors, response_schema
from tests.gateway.routing.harness import gateway_stack


def conforms(response: httpx.Response, path: str, method: str = "get") -> Any:
    media = response.headers["content-type"].split(";")[0]
    schema = response_schema(path, method, response.status_code, media)
    body = response.json()
    problems = errors(body, schema)
    assert problems == [], (response.request.url, problems[:5])
    return body


async def test_every_sop_detail_standard_and_version_list_matches_the_spec(
        tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, SERVICES) as stack:
        seen = 0
        for service in SERVICES:
            base = f"/api/v1/{service}/sops"
            prefix = f"/api/v1/{service}"
            listed = conforms(await stack.client.get(base), f"{prefix}/sops")
            for sop in listed:
                key = sop["key"]
                detail = conforms(await stack.client.get(f"{base}/{key}"),
                                  f"{prefix}/sops/{{key}}")
                assert detail["key"] == key and detail["steps"]
                standard = conforms(await stack.client.get(f"{base}/{key}/standard"),
                                    f"{prefix}/sops/{{key}}/standard")
                assert [f["name"] for f in standard["requirements"]["form"]] == \
                    [f["name"] for f in detail.get("form", [])]
                conforms(await stack.client.get(f"{base}/{key}/versions"),
                         f"{prefix}/sops/{{key}}/versions")
                seen += 1
        assert seen == 113
        html = await stack.client.get(f"/api/v1/{service}/sops/{listed[0]['key']}/standard",
                                      params={"format": "html"})
        assert html.headers["content-type"].startswith("text/html")


async def test_a_case_walk_answers_what_the_spec_says(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        citizen = stack.headers("warga-1", "citizen")
        operator = stack.headers("petugas-1", "disdukcapil:operator")
        opened = await stack.client.post(
            "/api/v1/dukcapil/cases", headers=citizen,
            data={"data": '{"sop_key": "dukcapil-kia-0-5-tahun", "form": {"nik_anak": '
                          '"1801010101230001", "nama_anak": "Budi", "tanggal_lahir_anak": '
                          '"2023-01-01", "nomor_kk": "1801010101200002", '
                          '"pengambilan": "ambil_di_mpp"}}'},
            files={"berkas_persyaratan": ("berkas.pdf", b"%PDF-1.4 berkas", "application/pdf")})
        case = conforms(opened, "/api/v1/dukcapil/cases", "post")
        case_path = "/api/v1/dukcapil/cases/{case_id}"
        moved = await stack.client.post(f"/api/v1/dukcapil/cases/{case['id']}/actions",
                                        headers=operator, json={"action": "teruskan"})
        conforms(moved, case_path + "/actions", "post")
        conforms(await stack.client.get(f"/api/v1/dukcapil/cases/{case['id']}",
                                        headers=operator), case_path)
        conforms(await stack.client.get(f"/api/v1/dukcapil/cases/{case['id']}/history",
                                        headers=citizen), case_path + "/history")
        conforms(await stack.client.get("/api/v1/dukcapil/cases", headers=citizen),
                 "/api/v1/dukcapil/cases")
        conforms(await stack.client.get(f"/api/v1/dukcapil/cases/{case['id']}/documents",
                                        headers=citizen), case_path + "/documents")
        refused = await stack.client.post(f"/api/v1/dukcapil/cases/{case['id']}/actions",
                                          headers=operator, json={"action": "teruskan",
                                                                  "step": "nope"})
        assert refused.status_code in (409, 422)
        conforms(refused, case_path + "/actions", "post")
        await stack.sync()
        tracked = await stack.client.get(f"/api/v1/tracking/{case['tracking_no']}",
                                         headers=citizen)
        assert tracked.status_code == 200
        conforms(tracked, "/api/v1/tracking/{tracking_no}")
        conforms(await stack.client.get("/api/v1/me/cases", headers=citizen),
                 "/api/v1/me/cases")
        conforms(await stack.client.get("/api/v1/inbox", headers=operator), "/api/v1/inbox")
        conforms(await stack.client.get("/api/v1/catalog"), "/api/v1/catalog")
