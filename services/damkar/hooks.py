"""Department hooks of the damkar service (see shared.cases.hooks).

On the two emergency SOPs (``damkar-pelayanan-kebakaran``, ``damkar-evakuasi-non-kebakaran``)
the report's times follow the case, in the transaction that records the step:
- leaving ``berangkat`` by ``berangkat``: the crew left the post (``departed_at``);
- leaving ``tiba_di_lokasi`` by ``tiba`` (SOP step 5, "petugas pemadam sampai di lokasi
  kejadian"): the arrival (``arrived_at``) and the response time from the report
  (``response_s``), which the monthly 15-minute report reads. The officer records it with
  the SOP action, or through ``POST /darurat/{tracking_no}/tiba`` (the same action).
A case opened through the ordinary ``POST /cases`` has no report row: nothing is recorded.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.damkar import store
from services.damkar.report import SOP_OF
from shared.cases.hooks import Hooks
from shared.db.tables import CaseRow
from shared.engine.state import Transition
from shared.sop.model import SopDefinition

DEPARTURE = ("berangkat", "berangkat")
ARRIVAL = ("tiba_di_lokasi", "tiba")


async def record_times(session: AsyncSession, sop: SopDefinition, row: CaseRow,
                       done: Transition) -> None:
    for entry in done.entries:
        moment = (entry.step_id, entry.action)
        if moment not in (DEPARTURE, ARRIVAL):
            continue
        report = await store.by_case(session, row.id)
        if report is None:
            return
        if moment == DEPARTURE and report.departed_at is None:
            report.departed_at = entry.at
        elif moment == ARRIVAL and report.arrived_at is None:
            report.arrived_at = entry.at
            report.response_s = max(0, round((entry.at - report.received_at).total_seconds()))


def build_hooks() -> Hooks:
    hooks = Hooks()
    for sop_key in SOP_OF.values():
        for step, _action in (DEPARTURE, ARRIVAL):
            hooks.after_leaving(sop_key, step)(record_times)
    return hooks


hooks = build_hooks()
