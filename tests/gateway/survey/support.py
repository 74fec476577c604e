"""A gateway with the tracking and survey parts, fed by projecting case events into the
tracking read model (the consumer's own handler, ``apply_event``)."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from gateway.tracking.projector import apply_event
from shared.events.envelope import EventEnvelope, StepRef
from tests.gateway.routing.harness import Stack, gateway_stack

ALL_FOUR = {f"u{i}": 4 for i in range(1, 10)}


def survey_parts() -> list[Any]:
    return [importlib.import_module(f"gateway.{p}.part").PART for p in ("tracking", "survey")]


@asynccontextmanager
async def survey_stack(tmp: Path, **settings: Any) -> AsyncIterator[Stack]:
    async with gateway_stack(tmp, services=(), parts=survey_parts, **settings) as stack:
        yield stack


def envelope(case_id: str, tracking_no: str, applicant: str, seq: int, kind: str, status: str,
             at: datetime, *, agency: str, sop: str, service: str = "dukcapil") -> EventEnvelope:
    current = (StepRef(id="verifikasi", role="operator", agency=agency, kind="officer")
               if status == "open" else None)
    return EventEnvelope(
        event_id=str(uuid.uuid4()), type=kind, source=service, case_id=case_id,
        tracking_no=tracking_no, sop_key=sop, sop_version=1, seq=seq,
        actor_role="pemohon" if seq == 1 else "operator",
        actor_agency=None if seq == 1 else agency, time=at, status=status, current=current,
        applicant=applicant, data={"agency": agency, "title": f"Layanan {sop}"})


class Cases:
    """Cases projected into the stack's tracking read model, one applicant each by default."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.count = 0

    async def add(self, *, applicant: str | None = None, close: str | None = "completed",
                  agency: str = "disdukcapil", sop: str = "dukcapil-kia-0-5-tahun",
                  service: str = "dukcapil") -> dict[str, str]:
        self.count += 1
        case_id = str(uuid.uuid4())
        tracking_no = f"DK-{self.count:04d}-A0A0"
        owner = applicant or f"warga-{self.count}"
        opened = self.stack.clock() - timedelta(days=3)
        events = [envelope(case_id, tracking_no, owner, 1, "case.submitted", "open", opened,
                           agency=agency, sop=sop, service=service)]
        if close:
            events.append(envelope(case_id, tracking_no, owner, 2, f"case.{close}", close,
                                   opened + timedelta(days=1), agency=agency, sop=sop,
                                   service=service))
        await self.apply(events)
        return {"case_id": case_id, "tracking_no": tracking_no, "applicant": owner,
                "agency": agency, "sop": sop, "service": service}

    async def close(self, case: dict[str, str], status: str = "completed") -> None:
        await self.apply([envelope(case["case_id"], case["tracking_no"], case["applicant"], 2,
                                   f"case.{status}", status, self.stack.clock(),
                                   agency=case["agency"], sop=case["sop"],
                                   service=case["service"])])

    async def apply(self, events: list[EventEnvelope]) -> None:
        async with self.stack.runtime.sessions() as session:
            for event in events:
                await apply_event(session, event)
            await session.commit()

    def owner(self, case: dict[str, str]) -> dict[str, str]:
        return self.stack.headers(case["applicant"], "citizen")
