"""Department hooks of the perizinan service (see shared.cases.hooks).

Every SOP of the service, on every stored transition:
- a submission or resubmission of a health practice permit is checked against the
  profession's limit on places of practice (refused at open, 422 ``practice-limit-reached``);
- the transition that issues the permit's output writes it to the permit registry
  (:mod:`services.perizinan.registry`), in the same transaction.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from services.perizinan import messages  # noqa: F401  (registers the problem codes)
from services.perizinan.context import PermitContext
from services.perizinan.registry import enforce_limit, register
from services.perizinan.rules import profession_of
from shared.cases.hooks import Hooks
from shared.db.tables import CaseRow
from shared.engine.state import Transition
from shared.sop.model import SopDefinition

SOPS_DIR = Path(__file__).with_name("sops")
CHECKED_AT = ("case.submitted", "case.resubmitted")


def build_hooks(context: PermitContext) -> Hooks:
    """The hooks of one app, reading ``context`` once the app has started."""
    hooks = Hooks()

    async def permit_registry(session: AsyncSession, sop: SopDefinition, row: CaseRow,
                              done: Transition) -> None:
        ctx = context.current()
        if profession_of(sop.key) and any(e.event in CHECKED_AT for e in done.entries):
            clear = ctx.cipher.open_form(row.form or {}, sop.personal_fields())
            await enforce_limit(session, ctx, sop, row, clear)
        await register(session, ctx, sop, row, done)

    for path in sorted(SOPS_DIR.glob("*.yaml")):
        hooks.after_leaving(path.stem)(permit_registry)
    return hooks
