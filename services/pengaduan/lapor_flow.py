"""SP4N-LAPOR! in the SOP flow: an officer's action on a case that came from LAPOR! queues a
push back, in the transaction of the action (``after_leaving`` of every complaint SOP).

* Every officer action (an action taken by an agency's officer, not the reporter's
  submission nor a timed transition) queues a ``tindak_lanjut``: the step's activity and the
  action's label as the SOP prints them. The officer's comment is not sent (it is internal
  and may name people); the first such action is the verification (``verified_at``, the
  3-working-day deadline).
* The closing (the case leaves the open statuses: completed, rejected, archived, expired,
  withdrawn) queues a ``selesai`` with the outcome and, for a rejection or an archive, the
  officer's reason (the answer the reporter is owed); it meets the follow-up deadline.

Each push's ``source`` (case, history position, kind) is unique, so a replayed transition
queues nothing twice; :mod:`services.pengaduan.lapor_sync` sends the queue.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.pengaduan import lapor_store
from shared.cases.hooks import Hooks
from shared.db.tables import CaseRow
from shared.engine.state import OPEN_STATUSES, HistoryEntry, Transition
from shared.sop.model import SopDefinition

OUTCOMES = {"completed": "selesai ditindaklanjuti", "rejected": "ditolak",
            "archived": "diarsipkan", "expired": "ditutup karena melewati batas waktu",
            "withdrawn": "dicabut oleh pelapor"}


def followup_text(sop: SopDefinition, entry: HistoryEntry) -> str:
    """``<activity> - <action label>`` of the step the officer left."""
    step = sop.step(entry.step_id) if entry.step_id and sop.has_step(entry.step_id) else None
    if step is None:
        return "Laporan ditindaklanjuti."
    action = step.action(entry.action or "")
    label = action.label if action is not None else entry.action
    return f"{step.activity.rstrip('.')} - {label}."[:2000]


def closing_text(row: CaseRow, status: str) -> str:
    text = f"Laporan {OUTCOMES.get(status, status)}."
    if status in ("rejected", "archived") and row.outcome_reason:
        text += f" Alasan: {row.outcome_reason}"
    return text[:4000]


def install(hooks: Hooks, sop_keys: list[str]) -> None:
    """Register the push hook on every SOP of ``sop_keys``."""

    async def follow(session: AsyncSession, sop: SopDefinition, row: CaseRow,
                     done: Transition) -> None:
        report = await lapor_store.report_of_case(session, row.id)
        if report is None or not done.entries:
            return
        for entry in done.entries:
            if entry.action is None or entry.actor_agency is None:
                continue
            if report.verified_at is None:
                report.verified_at = entry.at
            await lapor_store.queue_push(
                session, report, kind="tindak_lanjut", text=followup_text(sop, entry),
                source=f"{row.id}:{entry.seq}:tindak_lanjut", at=entry.at)
        last = done.entries[-1]
        if done.case.status not in OPEN_STATUSES and report.closed_at is None:
            report.closed_at, report.sync_state = last.at, "selesai"
            await lapor_store.queue_push(
                session, report, kind="selesai", text=closing_text(row, done.case.status),
                source=f"{row.id}:{last.seq}:selesai", at=last.at)
        await session.flush()

    for key in sop_keys:
        hooks.after_leaving(key)(follow)
