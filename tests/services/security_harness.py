"""What the direct (no gateway) authorisation tests share: the principals, a ``Service``
driver that checks a refusal wrote nothing, and the cases they open (KIA in Dukcapil, the
two-agency ``damkar-bantuan-kebakaran``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from shared.db.tables import CaseRow, DocumentRow, HistoryRow, OutboxRow
from tests.support.apps import runtime_of
from tests.support.kia import FORM as KIA_FORM
from tests.support.kia import KIA
from tests.support.sops import required_documents, sample_form, spot_sop
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
BANTUAN = spot_sop("damkar", "damkar-bantuan-kebakaran")
PDF = b"%PDF-1.4 berkas rahasia warga A"

OWNER = TOKENS.headers("warga-a", "citizen")
OTHER_CITIZEN = TOKENS.headers("warga-b", "citizen")
ADMIN = TOKENS.headers("admin-1", "admin")
DK_OPERATOR = TOKENS.headers("op-dk", "disdukcapil:operator")
DK_KABID = TOKENS.headers("kabid-dk", "disdukcapil:kabid")


def officer(agency: str, role: str) -> dict[str, str]:
    return TOKENS.headers(f"petugas-{agency}-{role}", f"{agency}:{role}")


@dataclass
class Service:
    app: FastAPI
    client: httpx.AsyncClient

    async def counts(self) -> tuple[int, int, int, int]:
        async with runtime_of(self.app).sessions() as s:
            cases, history, outbox, documents = [
                await s.scalar(select(func.count()).select_from(t)) or 0
                for t in (CaseRow, HistoryRow, OutboxRow, DocumentRow)]
        return cases, history, outbox, documents

    async def snapshot(self, case_id: str) -> tuple[Any, ...]:
        async with runtime_of(self.app).sessions() as s:
            row = await s.get(CaseRow, case_id)
            assert row is not None
            return (row.status, row.step_id, row.seq, row.updated_at, row.form)

    async def open(self, sop_key: str, form: dict[str, Any], documents: list[str],
                   who: dict[str, str] = OWNER) -> dict[str, Any]:
        files = {k: (f"{k}.pdf", PDF, "application/pdf") for k in documents}
        response = await self.client.post(
            "/cases", headers=who, files=files,
            data={"data": json.dumps({"sop_key": sop_key, "form": form})})
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def act(self, case_id: str, who: dict[str, str], action: str, *,
                  expect: int = 200, code: str | None = None, **extra: Any) -> dict[str, Any]:
        response = await self.client.post(f"/cases/{case_id}/actions", headers=who,
                                          json={"action": action, **extra})
        assert response.status_code == expect, (action, response.text)
        body = dict(response.json())
        if expect >= 400:
            assert response.headers["content-type"] == "application/problem+json"
        if code is not None:
            assert body["code"] == code, body
        return body

    async def refused(self, case_id: str, who: dict[str, str], action: str, expect: int,
                      code: str, **extra: Any) -> dict[str, Any]:
        """The attempt is refused and changes nothing at all."""
        before = (await self.counts(), await self.snapshot(case_id))
        body = await self.act(case_id, who, action, expect=expect, code=code, **extra)
        assert (await self.counts(), await self.snapshot(case_id)) == before
        return body


async def open_kia(svc: Service) -> dict[str, Any]:
    return await svc.open(KIA, KIA_FORM, ["berkas_persyaratan"])


async def open_bantuan(svc: Service) -> dict[str, Any]:
    return await svc.open(BANTUAN.key, sample_form(BANTUAN), required_documents(BANTUAN))


def without_request(problem: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in problem.items() if k not in ("request_id", "instance")}
