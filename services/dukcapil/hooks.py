"""Department hooks of the dukcapil service (see shared.cases.hooks).

Before a case opens, the form's fields must agree with each other and with the submission
day (Asia/Jakarta): a child's NIK with the birth date given, a mother's NIK with a woman's,
a death or a birth not ahead of today (:mod:`services.dukcapil.domain_checks`); and the age
must fall in the SOP's band (KIA 0-5 or 5-17 years, akta kelahiran 1-60 or more than 60
days): an application on the wrong SOP is refused with a 422 naming the right one. The same
checks run again on the merged form when a returned case is completed (``lengkapi``,
``hooks.on_resubmit``), on the resubmission day: the same problems, nothing stored, the case
stays returned. The SIAK hooks are in :mod:`services.dukcapil.siak_flow`.

:func:`build_hooks` makes the hooks of one app around its :class:`DukcapilContext`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.dukcapil import (
    messages,  # noqa: F401  (registers the problem codes)
    siak_flow,
)
from services.dukcapil.context import DukcapilContext
from services.dukcapil.domain_bands import FAMILIES
from services.dukcapil.domain_checks import (
    FORM_CHECKS,
    BandRefusal,
    band_refusal,
    form_problems,
)
from shared.cases.hooks import Hooks
from shared.db.tables import CaseRow
from shared.engine.errors import InvalidSubmission
from shared.engine.state import Transition
from shared.sop.model import SopDefinition
from shared.web.problems import ProblemError

UNITS = {"years": ("tahun", "years"), "days": ("hari", "days")}


def band_problem(refusal: BandRefusal) -> ProblemError:
    """The 422 that names the SOP serving the child's age (or says none does)."""
    if refusal.right is None:
        ctx: dict[str, Any] = {"age": refusal.age}
        return ProblemError(422, "kia-too-old", **ctx, errors=[
            {"field": refusal.field, "problem": "kia-too-old", "ctx": ctx}])
    unit, unit_en = UNITS[refusal.family.unit]
    ctx = {"age": refusal.age, "unit": unit, "unit_en": unit_en, "name": refusal.right.name_id,
           "name_en": refusal.right.name_en, "sop_key": refusal.right.sop_key}
    return ProblemError(422, "age-band-other-sop", **ctx, errors=[
        {"field": refusal.field, "problem": "age-band-other-sop",
         "sop_key": refusal.right.sop_key, "ctx": ctx}])


def build_hooks(ctx: DukcapilContext) -> Hooks:
    hooks = Hooks()

    async def check_form(sop: SopDefinition, form: dict[str, Any]) -> None:
        today = ctx.today()
        problems = form_problems(sop.key, form, today)
        if problems:
            raise InvalidSubmission(problems)
        refusal = band_refusal(sop.key, form, today)
        if refusal is not None:
            raise band_problem(refusal)

    async def check_corrected(_session: AsyncSession, sop: SopDefinition, _row: CaseRow,
                              _done: Transition, form: dict[str, Any]) -> None:
        await check_form(sop, form)

    keys = set(FORM_CHECKS) | {b.sop_key for f in FAMILIES for b in f.bands}
    for key in sorted(keys):
        hooks.on_open(key)(check_form)
        hooks.on_resubmit(key)(check_corrected)
    siak_flow.install(hooks, ctx)
    return hooks
