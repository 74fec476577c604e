"""What officers record with their actions, kept with the case apart from the applicant's form.

An officer action may declare fields and documents (:class:`shared.sop.model.Action`); the
engine checks them (:mod:`shared.engine.action_inputs`). Here:

* :func:`officer_record` is what ``cases.officer_data[<step>]`` keeps for the action: its
  name, the ``seq`` of its history entry and the field values, personal ones sealed with the
  service's PII key like the applicant's form. A step acted on again (after a return) keeps
  the latest record; the history keeps every entry, by field names only.
* :func:`officer_inputs_out` is how officers read them (labels from the SOP, personal values
  masked); the applicant never reads them.
* :func:`hidden_documents` names the documents an officer attached that the applicant may not
  see (every officer document unless the SOP marks it ``applicant_visible``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from shared.cases.pii import PiiCipher, mask
from shared.db.tables import CaseRow
from shared.engine.state import Principal, Transition
from shared.sop.model import SopDefinition


class OfficerValueOut(BaseModel):
    name: str
    label: str
    value: Any
    """The value as recorded; a personal one masked (``3201********0001``)."""
    masked: bool = False


class OfficerInputOut(BaseModel):
    """What an officer recorded when leaving a step (fields of the action, by label)."""

    step: str
    action: str
    seq: int
    """The history entry of the action (its documents are listed there and on the case)."""
    fields: list[OfficerValueOut]


def officer_record(sop: SopDefinition, step_id: str, action: str, form: dict[str, Any],
                   done: Transition, cipher: PiiCipher) -> dict[str, Any] | None:
    """The ``officer_data`` entry of an officer action that brought field values, else
    ``None``."""
    if not form or not sop.has_step(step_id):
        return None
    chosen = sop.step(step_id).action(action)
    if chosen is None or not chosen.fields:
        return None
    entry = next((e for e in done.entries if e.step_id == step_id and e.action == action),
                 done.entries[0])
    return {"action": action, "seq": entry.seq,
            "values": cipher.seal_form(form, chosen.personal_fields())}


def reads_as_officer(row: CaseRow, who: Principal) -> bool:
    """``who`` reads the case as an officer: holds an agency role and is not its applicant."""
    return who.subject != row.applicant_id and bool(who.agencies())


def officer_inputs_out(sop: SopDefinition, row: CaseRow, who: Principal, cipher: PiiCipher
                       ) -> list[OfficerInputOut]:
    """Every step's officer record, in history order, personal values masked; nothing for
    anyone but an officer."""
    if not reads_as_officer(row, who):
        return []
    out: list[OfficerInputOut] = []
    for step_id, record in (row.officer_data or {}).items():
        action = sop.step(step_id).action(record["action"]) if sop.has_step(step_id) else None
        specs = {f.name: f for f in (action.input_fields if action else ())}
        personal = action.personal_fields() if action else frozenset(record["values"])
        values = cipher.open_form(record["values"], personal)
        out.append(OfficerInputOut(step=step_id, action=record["action"], seq=record["seq"],
                                   fields=[OfficerValueOut(
                                       name=name, label=specs[name].label if name in specs
                                       else name, value=mask(str(value)) if name in personal
                                       else value, masked=name in personal)
                                       for name, value in values.items()]))
    return sorted(out, key=lambda r: r.seq)


def hidden_documents(sop: SopDefinition, row: CaseRow, who: Principal) -> frozenset[str]:
    """Keys of officer documents ``who`` may not see: for the applicant (or anyone without
    an agency role), those the SOP does not make visible to the applicant."""
    if reads_as_officer(row, who):
        return frozenset()
    return frozenset(k for k, d in sop.action_documents().items() if not d.applicant_visible)
