"""The agency views in the merged OpenAPI document: their examples validate against their
schemas, the CSV answer is documented, and real answers conform to what the document says."""

from __future__ import annotations

from pathlib import Path

from tests.gateway.apidocs.support import errors, response_schema, spec
from tests.gateway.tracking import test_agency_sla, test_agency_workload
from tests.gateway.tracking.agency_support import agency_stack

WORKLOAD = "/api/v1/agencies/{agency}/workload"
SLA = "/api/v1/agencies/{agency}/reports/sla"


def test_examples_and_media_are_documented() -> None:
    paths = spec()["paths"]
    for path, name in ((WORKLOAD, "overdue-first"), (SLA, "november")):
        media = paths[path]["get"]["responses"]["200"]["content"]["application/json"]
        assert errors(media["examples"][name]["value"], media["schema"]) == [], path
        assert paths[path]["get"]["security"] == [{"bearerAuth": []}]
    csv_media = paths[SLA]["get"]["responses"]["200"]["content"]["text/csv"]
    assert csv_media["example"].startswith("sop_key,title,service,submitted,")
    params = {p["name"] for p in paths[SLA]["get"]["parameters"]}
    assert params == {"agency", "from", "to", "format"}
    params = {p["name"] for p in paths[WORKLOAD]["get"]["parameters"]}
    assert params == {"agency", "view", "role", "sop", "q", "limit", "offset"}


async def test_real_answers_conform_to_the_document(tmp_path: Path) -> None:
    for folder in ("w", "s"):
        (tmp_path / folder).mkdir()
    async with agency_stack(tmp_path / "w", test_agency_workload.NOW) as stack:
        await test_agency_workload.seeded(stack)
        for view in ("today", "overdue", "open"):
            body = (await test_agency_workload.get(stack, view=view)).json()
            assert body["items"]
            assert errors(body, response_schema(WORKLOAD, "get", 200)) == [], view
    async with agency_stack(tmp_path / "s", test_agency_sla.NOW) as stack:
        await test_agency_sla.seeded(stack)
        body = (await test_agency_sla.get(stack, **test_agency_sla.NOVEMBER)).json()
        assert body["sops"]
        assert errors(body, response_schema(SLA, "get", 200)) == []
