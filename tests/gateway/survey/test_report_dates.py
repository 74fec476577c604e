"""The survey reports' period is bounded: a day at either end of the calendar (``0001-01-01``,
``9999-12-31``, which schemathesis sends) has no Asia/Jakarta midnight to count from; it is a
422 naming the field in Bahasa Indonesia, not a 500."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gateway.survey.support import survey_stack
from tests.support.problems import assert_indonesian

REFUSED = [("to=9999-12-31", "query.to", "Maksimal 2100-12-31."),
           ("from=0001-01-01", "query.from", "Minimal 2000-01-01."),
           ("from=2026-01-01&to=2101-01-01", "query.to", "Maksimal 2100-12-31.")]


@pytest.mark.parametrize(("query", "field", "message"), REFUSED)
async def test_a_period_beyond_the_calendar_is_refused(tmp_path: Path, query: str, field: str,
                                                       message: str) -> None:
    async with survey_stack(tmp_path) as stack:
        for url, headers in ((f"/api/v1/survey/public/disdukcapil?{query}", {}),
                             (f"/api/v1/survey/reports?agency=disdukcapil&{query}",
                              stack.headers("root", "admin"))):
            refused = await stack.client.get(url, headers=headers)
            problem = assert_indonesian(refused, 422, "validation-error",
                                        "Data tidak dapat diproses",
                                        "Permintaan tidak valid; periksa kolom yang disebutkan.")
            assert [(e["field"], e["message"]) for e in problem["errors"]] == [(field, message)]
        kept = await stack.client.get("/api/v1/survey/public/disdukcapil"
                                      "?from=2000-01-01&to=2100-12-31")
        assert kept.status_code == 200, kept.text
