"""An agency without a dedicated service publishes a brand-new SOP in umum through the
gateway: validated, listed in the gateway's catalog, run as a case; a key that could clash
with another service's SOP is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.gateway.routing.harness import KIA, gateway_stack
from tests.support.sops import required_documents, sample_form, spot_sop

BASE = "bpkad-buku-tamu-elektronik"


async def _new_definition(stack: Any, key: str) -> dict[str, Any]:
    definition: dict[str, Any] = (await stack.client.get(f"/api/v1/umum/sops/{BASE}")).json()
    definition.update(key=key, version=1, title="LAYANAN KONSULTASI ASET DAERAH (UJI)")
    definition.pop("display_title", None)
    return definition


async def test_a_new_sop_published_in_umum_runs_and_joins_the_catalog(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, ("umum", "dukcapil")) as stack:
        admin = stack.headers("adm-bpkad", "bpkad:admin")
        key = "umum-bpkad-konsultasi-aset"
        definition = await _new_definition(stack, key)
        published = await stack.client.post("/api/v1/umum/sops", headers=admin,
                                             json=definition)
        assert published.status_code == 201, published.text
        assert published.json() == {"key": key, "version": 1, "agency": "bpkad",
                                     "title": "LAYANAN KONSULTASI ASET DAERAH (UJI)",
                                     "status": "active", "awaiting": []}
        stack.runtime.state.pop("catalog", None)  # the gateway's short catalog cache
        catalog = (await stack.client.get("/api/v1/catalog", params={"q": "aset daerah"})
                   ).json()
        assert key in {e["key"] for e in catalog["items"]}
        citizen = stack.headers("warga-a", "citizen")
        base = spot_sop("umum", BASE)  # the new SOP keeps its form and documents
        body = {"sop_key": key, "form": sample_form(base)}
        documents = required_documents(base)
        if documents:
            opened = await stack.client.post(
                "/api/v1/umum/cases", headers=citizen, data={"data": json.dumps(body)},
                files={d: ("a.pdf", b"%PDF-1.4 x", "application/pdf") for d in documents})
        else:
            opened = await stack.client.post("/api/v1/umum/cases", headers=citizen, json=body)
        assert opened.status_code == 201, opened.text
        assert (opened.json()["sop_key"], opened.json()["sop_version"]) == (key, 1)


async def test_a_new_key_must_start_with_the_service_name(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, ("umum", "dukcapil")) as stack:
        admin = stack.headers("adm-bpkad", "bpkad:admin")
        for key in (KIA, "bpkad-konsultasi-aset"):  # another service's key; no namespace
            response = await stack.client.post("/api/v1/umum/sops", headers=admin,
                                               json=await _new_definition(stack, key))
            assert response.status_code == 422, response.text
            assert response.json()["code"] == "sop-key-prefix"
            assert "'umum-'" in response.json()["detail"]
        listed = (await stack.client.get("/api/v1/umum/sops")).json()
        assert KIA not in {s["key"] for s in listed}
