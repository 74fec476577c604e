"""Properties of the SOP engine over random sequences of principals, actions and elapsed time.

Each example starts a case at a random moment of 2026 and then, step by step, lets a random
principal take one of the actions ``engine.options`` offers them (sometimes one it does not
offer, which must be refused), lets the system try ``mark_overdue``/``expire``, and moves the
clock by anything from seconds to more than a week (weekends, 17 Aug, the Lebaran cuti bersama).

(a) the state is always a defined one; (b) the history grows by exactly one entry per
transition, with consecutive ``seq``; (c) time spent returned to the applicant never counts
against the agency; (d) a closed case accepts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from shared.calendar import calendar_for
from shared.engine.engine import RESUBMIT, WITHDRAW, SopEngine
from shared.engine.errors import (
    ActionNotAvailable,
    CaseClosed,
    EngineError,
    ResubmissionLate,
)
from shared.engine.state import SYSTEM, CaseState, Principal, Transition
from shared.sop.model import SopDefinition
from tests.shared.engine.sops import (
    CORRECTION,
    FLOW,
    INTEGRATION,
    KABID,
    KADIS,
    KIA,
    OPERATOR,
    OTHER_AGENCY,
    OTHER_CITIZEN,
    OTHER_INTEGRATION,
    OWNER,
    UMUM,
    UMUM_HEAD,
    UMUM_OPERATOR,
    VALID,
    WIB,
    FakeClock,
)

STATUSES = {"open", "returned", "completed", "rejected", "archived", "expired", "withdrawn"}
CLOSED = STATUSES - {"open", "returned"}
PRINCIPALS: tuple[Principal, ...] = (
    OWNER, OWNER, OWNER, OPERATOR, OPERATOR, KABID, KADIS, INTEGRATION, OTHER_CITIZEN,
    OTHER_AGENCY, OTHER_INTEGRATION, UMUM_OPERATOR, UMUM_HEAD,
)
DEFINITIONS = {"kia": KIA, "flow": FLOW, "umum": UMUM, "correction": CORRECTION}

# Kind of move: mostly an offered action; sometimes a refused one or a system sweep.
OFFERED, NOT_OFFERED, OVERDUE, EXPIRE = "offered", "not-offered", "overdue", "expire"
kinds = st.sampled_from([OFFERED] * 6 + [NOT_OFFERED, OVERDUE, EXPIRE])
advances = st.one_of(
    st.integers(min_value=0, max_value=3_600).map(lambda s: timedelta(seconds=s)),
    st.integers(min_value=0, max_value=48 * 60).map(lambda m: timedelta(minutes=m)),
    st.integers(min_value=0, max_value=10 * 24).map(lambda h: timedelta(hours=h)),
)
moves = st.lists(
    st.tuples(st.integers(0, len(PRINCIPALS) - 1), st.integers(0, 1_000), advances, kinds),
    min_size=1, max_size=40,
)
starts = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 20),
                      timezones=st.just(WIB)).map(lambda d: d.replace(microsecond=0))


@dataclass
class World:
    sop: SopDefinition
    clock: FakeClock
    engine: SopEngine
    case: CaseState
    history: list = field(default_factory=list)
    returned_at: datetime | None = None
    returned_due: datetime | None = None

    def calendar(self, step_id: str):  # type: ignore[no-untyped-def]
        return calendar_for(self.sop.calendar_of(self.sop.step(step_id)))


def check_state(world: World) -> None:
    """(a) no sequence reaches an undefined state."""
    case, sop = world.case, world.sop
    assert case.status in STATUSES
    assert case.seq == len(world.history)
    assert [e.seq for e in world.history] == list(range(1, case.seq + 1))
    assert case.sop_key == sop.key and case.sop_version == sop.version
    if case.status == "open":
        assert case.step_id is not None and sop.has_step(case.step_id)
        assert sop.step(case.step_id).kind != "automatic"
        assert case.closed_at is None and case.resume_step_id is None
        assert case.applicant_due_at is None and case.paused_remaining_s is None
        assert (case.step_due_at is None) == (sop.step(case.step_id).time is None)
    elif case.status == "returned":
        assert case.step_id is not None and sop.has_step(case.step_id)
        assert case.resume_step_id is not None and sop.has_step(case.resume_step_id)
        assert case.closed_at is None
    else:
        assert case.step_id is None and case.closed_at is not None
        assert case.step_due_at is None and case.resume_step_id is None
    assert case.updated_at <= world.clock.now


def check_transition(world: World, before: CaseState, done: Transition,
                     who: Principal) -> None:
    """(b) one entry per transition: the actor's, then one per automatic step run."""
    entries = done.entries
    assert entries, "a transition always appends history"
    assert [e.seq for e in entries] == list(range(before.seq + 1, before.seq + 1 + len(entries)))
    assert done.case.seq == entries[-1].seq
    assert entries[0].actor_id == who.subject
    assert entries[0].at == world.clock.now
    for previous, entry in pairwise(entries):
        assert entry.actor_id == SYSTEM.subject and entry.actor_role == "system"
        assert entry.step_id == previous.next_step_id
        assert entry.step_id is not None
        assert world.sop.step(entry.step_id).kind == "automatic"
    for entry in entries:
        assert entry.sop_version == world.sop.version
    world.case = done.case
    world.history += entries


def check_start(world: World, done: Transition) -> None:
    """(b) at the start: automatic steps before the submission, the submission, then more."""
    entries = done.entries
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    submitted = [i for i, e in enumerate(entries) if e.event == "case.submitted"]
    assert len(submitted) == 1
    index = submitted[0]
    assert entries[index].actor_id == OWNER.subject
    assert entries[index].actor_role == "pemohon"
    for i, entry in enumerate(entries):
        if i != index:
            assert entry.actor_id == SYSTEM.subject
            assert entry.step_id is not None
            assert world.sop.step(entry.step_id).kind == "automatic"
        if i:
            assert entry.step_id == entries[i - 1].next_step_id
    world.case = done.case
    world.history += entries


def check_closed_accepts_nothing(world: World) -> None:
    """(d) terminal states accept no action."""
    names = {a.name for s in world.sop.steps for a in s.actions} | {RESUBMIT, WITHDRAW}
    for who in set(PRINCIPALS):
        assert world.engine.options(world.sop, world.case, who) == []
        for name in sorted(names):
            with pytest.raises(CaseClosed):
                world.engine.act(world.sop, world.case, who, name, comment="x")
    with pytest.raises(ActionNotAvailable):
        world.engine.expire(world.sop, world.case)
    with pytest.raises(ActionNotAvailable):
        world.engine.mark_overdue(world.sop, world.case)


def refused(world: World, call) -> None:  # type: ignore[no-untyped-def]
    before, history = world.case, list(world.history)
    with pytest.raises(EngineError) as raised:
        call()
    assert 400 <= raised.value.status < 500
    assert world.case is before and world.history == history


def offered_action(world: World, who: Principal, name: str) -> None:
    case, now = world.case, world.clock.now
    if name == RESUBMIT and case.applicant_due_at is not None and now > case.applicant_due_at:
        # Offered but late (see test_options_do_not_offer_resubmission_after_the_deadline).
        with pytest.raises(ResubmissionLate):
            world.engine.act(world.sop, case, who, name, comment="alasan")
        return
    done = world.engine.act(world.sop, case, who, name, comment="alasan",
                            expected_step=case.step_id)
    check_transition(world, case, done, who)
    new = done.case
    if new.status == "returned":
        # The agency's time left is kept exactly (whole seconds of the step's calendar).
        assert case.step_id is not None
        left = case.step_due_at
        if left is None:
            assert new.paused_remaining_s is None
        else:
            counted = world.calendar(case.step_id).work_between(now, left)
            assert new.paused_remaining_s == max(0, int(counted.total_seconds()))
        world.returned_at, world.returned_due = now, left
        event("returned")
    elif case.status == "returned" and name == RESUBMIT:
        # (c) a paused clock never counts, whatever time passed while returned.
        assert new.status == "open"
        assert new.step_entered_at == now
        if new.step_id == case.step_id and case.paused_remaining_s is not None:
            assert new.step_due_at is not None
            worked = world.calendar(new.step_id).work_between(now, new.step_due_at)
            assert worked == timedelta(seconds=case.paused_remaining_s)
            event("resumed with the paused time")
            assert world.returned_at is not None and world.returned_due is not None
            assert worked == max(
                timedelta(0),
                world.calendar(new.step_id).work_between(world.returned_at, world.returned_due))
        world.returned_at = world.returned_due = None


def not_offered_action(world: World, who: Principal, pick: int) -> None:
    offered = {o.name for o in world.engine.options(world.sop, world.case, who)}
    pool = sorted({a.name for s in world.sop.steps for a in s.actions}
                  | {RESUBMIT, WITHDRAW, "tidak_ada"})
    candidates = [n for n in pool if n not in offered]
    name = candidates[pick % len(candidates)]
    refused(world, lambda: world.engine.act(world.sop, world.case, who, name, comment="x"))


def system_overdue(world: World) -> None:
    case, now = world.case, world.clock.now
    due = case.step_due_at
    if case.status == "open" and due is not None and case.overdue_at is None and now > due:
        done = world.engine.mark_overdue(world.sop, case)
        check_transition(world, case, done, SYSTEM)
        assert done.case.overdue_at == now
        assert done.entries[0].event == "case.overdue"
        event("marked overdue")
    else:
        refused(world, lambda: world.engine.mark_overdue(world.sop, case))


def system_expire(world: World) -> None:
    case, now = world.case, world.clock.now
    deadline = case.applicant_due_at
    if case.status == "returned" and deadline is not None and now > deadline:
        done = world.engine.expire(world.sop, case)
        check_transition(world, case, done, SYSTEM)
        assert done.case.status == "expired" and done.case.closed_at == now
    else:
        refused(world, lambda: world.engine.expire(world.sop, case))


def choose_offered(world: World, who_index: int, pick: int) -> tuple[Principal, str | None]:
    """A (principal, action) pair that ``options`` offers, or (principal, None) if none.

    Usually one of the actions that move the case along (whoever may take it, starting the
    search at ``who_index``); one time in eight, what the chosen principal is offered,
    withdrawal included, so cases do not all end withdrawn at once.
    """
    chosen = PRINCIPALS[who_index]
    if pick % 8 == 0:
        options = world.engine.options(world.sop, world.case, chosen)
        return chosen, (options[pick // 8 % len(options)].name if options else None)
    rotated = PRINCIPALS[who_index:] + PRINCIPALS[:who_index]
    pairs = [(who, o.name) for who in dict.fromkeys(rotated)
             for o in world.engine.options(world.sop, world.case, who) if o.name != WITHDRAW]
    if not pairs:
        return chosen, None
    who, name = pairs[pick % len(pairs)]
    return who, name


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
@settings(max_examples=200, deadline=None)
@given(start=starts, steps=moves)
def test_random_sequences_keep_every_invariant(
    name: str, start: datetime, steps: list[tuple[int, int, timedelta, str]]
) -> None:
    sop = DEFINITIONS[name]
    clock = FakeClock(start)
    engine = SopEngine(clock, calendar_for)
    form, docs = VALID[sop.key]
    opened = engine.start(sop, case_id="p-1", tracking_no="HL-P-1", applicant=OWNER,
                          form=form, documents=docs)
    world = World(sop, clock, engine, opened.case)
    check_start(world, opened)
    check_state(world)
    for who_index, pick, advance, kind in steps:
        clock.advance(advance)
        who = PRINCIPALS[who_index]
        if not world.case.is_open:
            check_closed_accepts_nothing(world)
            break
        if kind == OVERDUE:
            system_overdue(world)
        elif kind == EXPIRE:
            system_expire(world)
        elif kind == NOT_OFFERED:
            not_offered_action(world, who, pick)
        else:
            who, action = choose_offered(world, who_index, pick)
            if action is not None:
                offered_action(world, who, action)
        check_state(world)
    event(f"final status: {world.case.status}")
    if not world.case.is_open:
        check_closed_accepts_nothing(world)
