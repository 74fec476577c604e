"""Who may act at a step: the access rules of the engine, in one place.

* applicant steps: only the case's owner;
* officer steps: ``<agency>:<role>`` of the step (the step's agency, else the SOP's);
* external steps: that officer role (recording the institution's result) or the agency's
  integration account ``<agency>:integrasi`` (an integration callback);
* automatic steps: nobody (the system runs them);
* a returned case: only the owner, to complete (``lengkapi``, until the deadline) or withdraw;
* the owner may withdraw (``batalkan``) an open case at any step;
* assisted submission: an officer of the SOP's agency at the counter or on a home visit
  (:data:`ASSIST_ROLES`) opens a case on behalf of a citizen, who owns it.
"""

from __future__ import annotations

from datetime import datetime

from shared.engine.action_inputs import accepted_items
from shared.engine.errors import EngineError, NotCaseOwner, RoleNotPermitted
from shared.engine.state import ActionOption, CaseState, Item, Items, Principal
from shared.sop.model import APPLICANT_ROLE, Action, SopDefinition, Step

ASSIST_ROLES = ("front_office", "operator", "staf")
"""The roles that submit on behalf of a citizen: the counter (MPP front office, the operator
of Halo Lamsel) and the field staff of a home visit (Yanduksatlantas)."""
RESUBMIT = "lengkapi"
WITHDRAW = "batalkan"
INTEGRATION_ROLE = "integrasi"


class AssistNotPermitted(EngineError):
    """Only an officer of the SOP's agency in an assisting role submits for someone else."""

    code = "assist-not-permitted"
    status = 403


def authorise_assist(sop: SopDefinition, who: Principal) -> tuple[str, str]:
    """The (agency, role) ``who`` assists as when submitting on someone's behalf."""
    for role in ASSIST_ROLES:
        if who.has(sop.agency, role):
            return sop.agency, role
    raise AssistNotPermitted(agency=sop.agency, roles=", ".join(ASSIST_ROLES))


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


def _all_items(sop: SopDefinition, *, fields: bool = True) -> Items:
    """Every document and (with ``fields``) form field of the SOP, with its labels."""
    return Items(documents=tuple(Item(d.key, d.label) for d in sop.documents),
                 fields=tuple(Item(f.name, f.label) for f in sop.form) if fields else ())


def _requested(sop: SopDefinition, case: CaseState) -> Items:
    """What the return asked for: each a required item of the resubmission."""
    docs = {d.key: d.label for d in sop.documents}
    form = {f.name: f.label for f in sop.form}
    return Items(documents=tuple(Item(k, docs.get(k, k), True) for k in case.requested_documents),
                 fields=tuple(Item(k, form.get(k, k), True) for k in case.requested_fields))


def _option(sop: SopDefinition, step: Step, action: Action) -> ActionOption:
    returns = action.kind == "return"
    return ActionOption(
        step.id, action.name, action.label or action.name, action.kind, action.to,
        comment_required=action.comment_required,
        deadline=action.deadline if returns else None,
        requestable=_all_items(sop) if returns else None,
        accepts=_all_items(sop, fields=False) if step.kind == "applicant"
        else accepted_items(action))


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
            ActionOption(case.step_id, RESUBMIT, "Lengkapi berkas", "resubmit", None,
                         requires=_requested(sop, case), accepts=_all_items(sop))]
        return [*resubmit, _withdraw(case.step_id)]
    step = sop.step(case.step_id)
    result: list[ActionOption] = []
    try:
        authorise(sop, step, case, who)
        result = [_option(sop, step, a) for a in step.actions]
    except EngineError:
        pass
    if is_owner:
        result.append(_withdraw(step.id))
    return result
