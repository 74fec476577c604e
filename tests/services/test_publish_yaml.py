"""Publishing an SOP version from its YAML file (``POST /sops`` with ``application/yaml`` or
``text/yaml``), as an agency admin uploads it: the same validation and problem list as JSON;
a body that is too large, does not parse, uses aliases or is not a mapping is refused before
validation, and nothing is published."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml

from shared.web.sop_body import MAX_DEFINITION_BYTES
from tests.services.security_harness import TOKENS, Service
from tests.support.kia import KIA

ADMIN = TOKENS.headers("adm-1", "disdukcapil:admin")
FOREIGN_ADMIN = TOKENS.headers("adm-9", "dpmptsp:admin")
KIA_FILE = Path(__file__).parents[2] / "services" / "dukcapil" / "sops" / f"{KIA}.yaml"


def _yaml(headers: dict[str, str], media: str = "application/yaml") -> dict[str, str]:
    return {**headers, "Content-Type": media}


@pytest.fixture
def client(dukcapil: Service) -> httpx.AsyncClient:
    """The services' Dukcapil app (SQLite, and PostgreSQL in the integration tier), rolled
    back after each test."""
    return dukcapil.client


async def _versions(client: httpx.AsyncClient) -> list[int]:
    return [v["version"] for v in (await client.get(f"/sops/{KIA}/versions")).json()]


@pytest.mark.parametrize("media", ["application/yaml", "text/yaml; charset=utf-8"])
async def test_the_sop_file_as_written_publishes_a_new_version(
        client: httpx.AsyncClient, media: str) -> None:
    text = KIA_FILE.read_text(encoding="utf-8").replace("time: 10 menit", "time: 12 menit", 1)
    assert "time: 12 menit" in text
    refused = await client.post("/sops", content=text.encode(), headers=_yaml(FOREIGN_ADMIN, media))
    assert refused.status_code == 403
    published = await client.post("/sops", content=text.encode(), headers=_yaml(ADMIN, media))
    assert published.status_code == 201, published.text
    assert published.json()["version"] == 2 and published.json()["key"] == KIA
    assert await _versions(client) == [1, 2]
    std = (await client.get(f"/sops/{KIA}/standard")).json()
    assert std["procedure"][0]["time"] == "12 menit"


async def test_yaml_problems_are_listed_as_for_json(client: httpx.AsyncClient) -> None:
    data = yaml.safe_load(KIA_FILE.read_text(encoding="utf-8"))
    data["steps"][2]["actor"] = "bupati"
    data["form"][0]["type"] = "warna"
    as_yaml = await client.post("/sops", content=yaml.safe_dump(data).encode(),
                                headers=_yaml(ADMIN))
    as_json = await client.post("/sops", json=data, headers=ADMIN)
    assert as_yaml.status_code == 422 and as_yaml.json()["code"] == "sop-invalid"
    assert as_yaml.json()["errors"] == as_json.json()["errors"]
    assert "form.0.type" in [e.get("field") for e in as_yaml.json()["errors"]]
    assert "bupati" in " | ".join(e["message"] for e in as_yaml.json()["errors"])
    assert await _versions(client) == [1]


@pytest.mark.parametrize(("text", "problem", "line"), [
    ("- key: dukcapil-kia-0-5-tahun\n- title: x\n", "yaml-not-mapping", None),
    ("just a sentence\n", "yaml-not-mapping", None),
    ("key: dukcapil-kia-0-5-tahun\ntitle: [tidak ditutup\nagency: disdukcapil\n",
     "invalid-yaml", 3),
    ("a: &x [1, 2]\nb: *x\n", "yaml-alias", 2),
])
async def test_text_that_is_no_definition_is_refused_at_the_body(
        client: httpx.AsyncClient, text: str, problem: str, line: int | None) -> None:
    response = await client.post("/sops", content=text.encode(), headers=_yaml(ADMIN))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation-error"
    assert [(e["field"], e["problem"]) for e in body["errors"]] == [("body", problem)]
    if line is not None:
        assert f"baris {line}" in body["errors"][0]["message"]
    assert "tidak ditutup" not in response.text  # the content is never echoed
    assert await _versions(client) == [1]


async def test_size_type_and_json_shape_are_checked(client: httpx.AsyncClient) -> None:
    big = b"# " + b"x" * MAX_DEFINITION_BYTES + b"\nkey: a\n"
    too_large = await client.post("/sops", content=big, headers=_yaml(ADMIN))
    assert too_large.status_code == 413 and too_large.json()["code"] == "sop-too-large"
    xml = await client.post("/sops", content=b"<sop/>",
                            headers={**ADMIN, "Content-Type": "application/xml"})
    assert xml.status_code == 415 and xml.json()["code"] == "sop-body-unsupported"
    listed = await client.post("/sops", json=[1, 2], headers=ADMIN)
    assert listed.status_code == 422
    assert [e["problem"] for e in listed.json()["errors"]] == ["dict_type"]
    broken = await client.post("/sops", content=b"{", headers={**ADMIN,
                                                              "Content-Type": "application/json"})
    assert [e["problem"] for e in broken.json()["errors"]] == ["invalid-json"]
    latin = await client.post("/sops", content="título: x".encode("latin-1"),
                              headers=_yaml(ADMIN))
    assert [e["problem"] for e in latin.json()["errors"]] == ["not-utf8"]
    assert await _versions(client) == [1]
