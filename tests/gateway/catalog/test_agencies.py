"""``GET /api/v1/agencies/{agency}``: the registry's agency and its roles with labels, for an
agency admin's role picker; and an SOP's YAML file published through the gateway as sent."""

from __future__ import annotations

from pathlib import Path

from gateway.identity.service import officer_roles
from shared.registry import load_registry
from tests.gateway.routing.harness import KIA, gateway_stack

KIA_FILE = Path(__file__).parents[3] / "services" / "dukcapil" / "sops" / f"{KIA}.yaml"


async def test_an_agency_lists_its_roles_with_labels_and_supervisors(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, ()) as stack:
        response = await stack.client.get("/api/v1/agencies/disdukcapil")
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["key"], body["short"]) == ("disdukcapil", "Disdukcapil")
        assert body["name"] == "Dinas Kependudukan dan Pencatatan Sipil"
        roles = {r["key"]: r for r in body["roles"]}
        assert list(roles) == list(load_registry().agency_roles("disdukcapil"))
        assert roles["kabid"]["label"] == "Kepala Bidang"
        assert roles["operator"]["supervisor"] == "kabid"  # the agency's escalation
        assert roles["kepala_dinas"]["supervisor"] is None
        assert roles["admin"] == {"key": "admin", "label": "Admin Instansi", "supervisor": None,
                                  "assignable": False}
        assignable = [k for k, r in roles.items() if r["assignable"]]
        assert assignable == list(officer_roles("disdukcapil"))

        unknown = await stack.client.get("/api/v1/agencies/dinas-fiktif")
        assert unknown.status_code == 404
        assert unknown.headers["content-type"].startswith("application/problem+json")


async def test_every_agency_of_the_registry_answers_with_labels(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, ()) as stack:
        for agency in load_registry().agencies:
            body = (await stack.client.get(f"/api/v1/agencies/{agency}")).json()
            assert all(r["label"] and r["label"] != r["key"] for r in body["roles"]), agency


async def test_an_sop_yaml_file_goes_through_the_gateway_as_sent(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, ("dukcapil",)) as stack:
        admin = stack.headers("adm-1", "disdukcapil:admin")
        text = KIA_FILE.read_text(encoding="utf-8")
        published = await stack.client.post(
            "/api/v1/dukcapil/sops", content=text.encode(),
            headers={**admin, "Content-Type": "application/yaml"})
        assert published.status_code == 201, published.text
        assert published.json()["version"] == 2
        broken = await stack.client.post(
            "/api/v1/dukcapil/sops", content=b"key: [\n",
            headers={**admin, "Content-Type": "text/yaml", "Accept-Language": "en"})
        assert broken.status_code == 422
        assert broken.json()["errors"][0]["problem"] == "invalid-yaml"
        assert broken.json()["errors"][0]["message"].startswith("The content is not valid YAML")


async def test_the_agency_list_names_every_agency_of_the_registry_by_name(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, ()) as stack:
        response = await stack.client.get("/api/v1/agencies")
        assert response.status_code == 200, response.text
        body = response.json()
        registry = load_registry()
        assert {a["key"] for a in body} == set(registry.agencies)
        assert [a["name"] for a in body] == sorted(a["name"] for a in body)
        dukcapil = next(a for a in body if a["key"] == "disdukcapil")
        assert dukcapil == {"key": "disdukcapil", "short": "Disdukcapil",
                            "name": "Dinas Kependudukan dan Pencatatan Sipil"}
