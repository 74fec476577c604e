"""Who may act at a step: the access rules of the engine, in one place.

* applicant steps: only the case's owner;
* officer steps: ``<agency>:<role>`` of the step (the step's agency, else the SOP's);
* external steps: that officer role (recording the institution's result) or the agency's
  integration account ``<agency>:integrasi`` (an integration callback);
* automatic steps: nobody (the system runs them);
* a returned case: only the owner, to complete (``lengkapi``, until the deadline) or withdraw;
* the owner may withdraw (``batalkan``) an open case at any step.
"""

from __future__ import annotations

from datetime import datetime

from shared.engine.errors import EngineError, NotCaseOwner, RoleNotPermitted
from shared.engine.state import ActionOption, CaseState, Principal
from shared.sop.model import APPLICANT_ROLE, SopDefinition, Step

RESUBMIT = "lengkapi"
WITHDRAW = "batalkan"
INTEGRATION_ROLE = "integrasi"


def step_agency(sop: SopDefinition, step: Step) -> str:
    return step.agency or sop.agency


def authorise(sop: SopDefinition, step: Step, case: CaseState, who: Principal
              ) -> tuple[str, str | None]:
    """The role and agency ``who`` acts as at ``step``, or an error saying why not."""
    if step.kind == "automatic":
        raise RoleNotPermitted(step=step.id, role="system")
    if step.kind == "applicant":
        if who.subject != case.applicant_id:
            raise NotCaseOwner()
        return APPLICANT_ROLE, None
    agency = step_agency(sop, step)
    if who.has(agency, step.actor):
        return step.actor, agency
    if step.kind == "external" and who.has(agency, INTEGRATION_ROLE):
        return INTEGRATION_ROLE, agency
    raise RoleNotPermitted(step=step.id, role=f"{agency}:{step.actor}")


def _withdraw(step_id: str) -> ActionOption:
    return ActionOption(step_id, WITHDRAW, "Batalkan permohonan", "withdraw", None)


def options(sop: SopDefinition, case: CaseState, who: Principal, now: datetime
            ) -> list[ActionOption]:
    """The actions ``who`` may take on ``case`` at ``now`` (empty when none)."""
    if not case.is_open or case.step_id is None:
        return []
    is_owner = who.subject == case.applicant_id
    if case.status == "returned":
        if not is_owner:
            return []
        late = case.applicant_due_at is not None and now > case.applicant_due_at
        resubmit = [] if late else [
            ActionOption(case.step_id, RESUBMIT, "Lengkapi berkas", "resubmit", None)]
        return [*resubmit, _withdraw(case.step_id)]
    step = sop.step(case.step_id)
    result: list[ActionOption] = []
    try:
        authorise(sop, step, case, who)
        result = [ActionOption(step.id, a.name, a.label or a.name, a.kind, a.to)
                  for a in step.actions]
    except EngineError:
        pass
    if is_owner:
        result.append(_withdraw(step.id))
    return result
