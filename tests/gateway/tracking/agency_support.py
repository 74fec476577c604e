"""A gateway with the tracking part, fed case by case with hand-made event sequences through
the consumer's own handler (``apply_event``), for the agency workload and SLA tests."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from gateway.tracking.projector import apply_event
from shared.events.envelope import EventEnvelope, StepRef
from tests.gateway.routing.harness import Clock, Stack, gateway_stack

WIB = ZoneInfo("Asia/Jakarta")
KIA = "dukcapil-kia-0-5-tahun"
AKTA = "dukcapil-akta-kelahiran"
TITLES = {KIA: "Penerbitan Kartu Identitas Anak (KIA) usia 0-5 tahun",
          AKTA: "Penerbitan Akta Kelahiran, Kutipan Pertama", "kesehatan-sip": "Surat Izin Praktik"}


def wib(text: str) -> datetime:
    """``2026-12-01 23:30`` on the wall clock in Asia/Jakarta."""
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


def tracking_parts() -> list[Any]:
    return [importlib.import_module("gateway.tracking.part").PART]


@asynccontextmanager
async def agency_stack(tmp: Path, now: datetime, **settings: Any) -> AsyncIterator[Stack]:
    async with gateway_stack(tmp, services=(), parts=tracking_parts, clock=Clock(now),
                             **settings) as stack:
        yield stack


@dataclass
class Case:
    """One case's events, written in order; each method adds the next one."""

    feed: Feed
    agency: str
    sop: str
    service: str
    case_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    tracking_no: str = ""
    events: list[EventEnvelope] = field(default_factory=list)
    step: StepRef | None = None

    def _add(self, kind: str, status: str, at: datetime, current: StepRef | None,
             data: dict[str, Any] | None = None, actor: str = "operator") -> Case:
        self.step = current
        self.events.append(EventEnvelope(
            event_id=str(uuid.uuid4()), type=kind, source=self.service, case_id=self.case_id,
            tracking_no=self.tracking_no, sop_key=self.sop, sop_version=1,
            seq=len(self.events) + 1, step=current.id if current else None,
            actor_role=actor, actor_agency=None if actor in ("pemohon", "system")
            else self.agency, time=at, status=status, current=current,
            applicant=f"warga-{self.tracking_no}",
            data={"agency": self.agency, "title": TITLES.get(self.sop, self.sop), **(data or {})}))
        return self

    def submitted(self, at: datetime, due: datetime | None, role: str = "operator",
                  step: str = "verifikasi") -> Case:
        current = StepRef(id=step, role=role, agency=self.agency, kind="officer", due_at=due)
        return self._add("case.submitted", "open", at, current, actor="pemohon")

    def overdue(self, at: datetime, to: str = "kabid") -> Case:
        return self._add("case.overdue", "open", at, self.step, {"escalate_to": {
            "agency": self.agency, "role": to, "level": 1}}, actor="system")

    def escalated(self, at: datetime, to: str = "kepala_dinas") -> Case:
        return self._add("case.escalated", "open", at, self.step, {"escalate_to": {
            "agency": self.agency, "role": to, "level": 2}}, actor="system")

    def moved(self, at: datetime, due: datetime | None, role: str, step: str) -> Case:
        current = StepRef(id=step, role=role, agency=self.agency, kind="officer", due_at=due)
        return self._add("case.step_completed", "open", at, current)

    def returned(self, at: datetime, deadline: datetime) -> Case:
        current = StepRef(id=self.step.id if self.step else "verifikasi", role="pemohon",
                          agency=None, kind="applicant", due_at=deadline)
        return self._add("case.returned", "returned", at, current, {"reason": "Berkas buram"})

    def closed(self, at: datetime, status: str = "completed") -> Case:
        return self._add(f"case.{status}", status, at, None)


class Feed:
    """Cases projected into a stack's tracking read model."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.count = 0

    def case(self, agency: str = "disdukcapil", sop: str = KIA, service: str = "dukcapil"
             ) -> Case:
        self.count += 1
        return Case(feed=self, agency=agency, sop=sop, service=service,
                    tracking_no=f"DK-{self.count:04d}-B7Q2")

    async def apply(self, *cases: Case) -> None:
        async with self.stack.runtime.sessions() as session:
            for case in cases:
                for event in case.events:
                    await apply_event(session, event)
            await session.commit()
