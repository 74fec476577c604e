"""Transitions per second: the pure SOP engine versus SpiffWorkflow 3.x, on the KIA 0-5 SOP.

Method
------
Both sides run the same number of workflow instances (``--instances``) from creation to
completion along the happy path of the six-step SOP ``dukcapil-kia-0-5-tahun``:

* **engine**: ``SopEngine(clock, calendar_for)`` with a fixed, timezone-aware clock (a
  Wednesday, 09:00 WIB). Per instance: ``start`` (checks the form and documents, opens the
  case, the applicant submits: 1 history entry) then ``act`` five times as the operator,
  kabid, kepala dinas and operator (5 entries). Every ``act`` checks the role and agency and
  computes the next step's due time on the Indonesian office calendar.
* **spiff**: ``bench/kia.bpmn`` (six ``userTask`` in sequence) parsed once with
  ``SpiffWorkflow.bpmn.parser.BpmnParser``; per instance a new ``BpmnWorkflow``,
  ``do_engine_steps()``, then for each of the six user tasks: take the READY manual task,
  put the action and actor in its data, ``run()`` it, ``do_engine_steps()``.

A transition is one history entry (engine) or one completed user task (spiff): 6 per
instance on both sides, checked after each run. The SOP is loaded and the BPMN parsed once,
outside the timed region (as a service does at start-up); likewise the engine's step table of
the SOP version (``shared.engine.plan``: actions, roles, parsed standard times, form checks)
is built on its first use, in the warm-up. Neither side keeps what a transition worked out
for the next one: every due time, check and state is computed in the timed call (the office
calendar keeps each day's opening hours, which are calendar data). Nothing is persisted on
either side. The engine does more per transition than Spiff (authorisation,
due times on a holiday calendar, immutable state copies); Spiff does more bookkeeping (a task
tree).

Within a repetition the two sides are interleaved in chunks of ``--chunk`` instances
(engine chunk, spiff chunk, spiff chunk, engine chunk, ...), each side's time summed over
its chunks, so a burst of load from a neighbour on this shared machine hits both sides
alike and their ratio stays meaningful; the report gives the median and the range over the
repetitions.

``--clock cpu`` times each chunk with the process's CPU time instead of the wall clock: on
a machine whose cores other people's jobs share, waiting for a core then counts for neither
side, and the ratio moves much less between runs.

    PYTHONPATH=. .venv/bin/python bench/engine_vs_spiff.py [--quick] [--instances N] [--reps R]
        [--chunk C] [--clock wall|cpu]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.util.task import TaskState

from shared.calendar.business import calendar_for
from shared.engine.engine import SopEngine
from shared.engine.state import Principal
from shared.registry import load_registry
from shared.sop.loader import load_sop_file
from shared.sop.model import SopDefinition

ROOT = Path(__file__).resolve().parent.parent
SOP_FILE = ROOT / "services/dukcapil/sops/dukcapil-kia-0-5-tahun.yaml"
BPMN_FILE = Path(__file__).with_name("kia.bpmn")
PROCESS_ID = "kia_0_5_tahun"
TRANSITIONS_PER_INSTANCE = 6

NOW = datetime(2026, 8, 12, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))  # a Wednesday, office hours
APPLICANT = Principal("warga-bench", frozenset({"citizen"}))
OPERATOR = Principal("petugas-operator", frozenset({"disdukcapil:operator"}))
KABID = Principal("petugas-kabid", frozenset({"disdukcapil:kabid"}))
KADIS = Principal("petugas-kadis", frozenset({"disdukcapil:kepala_dinas"}))
FORM: dict[str, object] = {"nik_anak": "1801010101200001", "nama_anak": "Anak Uji",
                           "tanggal_lahir_anak": "2024-05-01", "nomor_kk": "1801010101200002",
                           "pengambilan": "ekspedisi"}
DOCUMENTS = ("berkas_persyaratan",)
# (who, action) after the submission; the same sequence drives the BPMN user tasks.
OFFICER_ACTS = [(OPERATOR, "teruskan"), (OPERATOR, "lengkap"), (KABID, "sampaikan_ke_kadis"),
                (KADIS, "tte"), (OPERATOR, "serahkan")]
SPIFF_ACTS = [(APPLICANT, "ajukan"), *OFFICER_ACTS]


def run_engine(sop: SopDefinition, instances: int) -> int:
    """Drive ``instances`` cases to completion; return the number of transitions."""
    engine = SopEngine(lambda: NOW, calendar_for)
    transitions = 0
    for i in range(instances):
        done = engine.start(sop, case_id=f"case-{i}", tracking_no=f"HL-BENCH-{i:06d}",
                            applicant=APPLICANT, form=FORM, documents=DOCUMENTS)
        case, count = done.case, len(done.entries)
        for who, action in OFFICER_ACTS:
            done = engine.act(sop, case, who, action)
            case, count = done.case, count + len(done.entries)
        if case.status != "completed" or count != TRANSITIONS_PER_INSTANCE:
            raise AssertionError(f"engine: case ended {case.status} after {count} transitions")
        transitions += count
    return transitions


def run_spiff(spec: object, instances: int) -> int:
    """Run ``instances`` BPMN workflows to completion; return the completed user tasks."""
    transitions = 0
    for _ in range(instances):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        count = 0
        for who, action in SPIFF_ACTS:
            task = workflow.get_next_task(state=TaskState.READY, manual=True)
            if task is None:
                raise AssertionError(f"spiff: no ready user task before {action}")
            task.data.update(action=action, actor=who.subject)
            task.run()
            workflow.do_engine_steps()
            count += 1
        if not workflow.is_completed():
            raise AssertionError("spiff: workflow not completed after six user tasks")
        transitions += count
    return transitions


CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCKS["wall"]


def timed(fn: Callable[[], int]) -> tuple[int, float]:
    start = clock()
    transitions = fn()
    return transitions, clock() - start


def one_repetition(sop: SopDefinition, spec: object, instances: int, chunk: int
                   ) -> dict[str, float]:
    """Transitions/s of each side, the sides interleaved chunk by chunk (ABBA order)."""
    sides: dict[str, Callable[[int], int]] = {
        "engine": lambda n: run_engine(sop, n), "spiff": lambda n: run_spiff(spec, n)}
    seconds = dict.fromkeys(sides, 0.0)
    transitions = dict.fromkeys(sides, 0)
    gc.collect()
    done, turn = 0, 0
    while done < instances:
        n = min(chunk, instances - done)
        order = ["engine", "spiff"] if turn % 2 == 0 else ["spiff", "engine"]
        for name in order:
            count, took = timed(lambda: sides[name](n))  # noqa: B023 - called at once
            transitions[name] += count
            seconds[name] += took
        done, turn = done + n, turn + 1
    for name in sides:
        assert transitions[name] == instances * TRANSITIONS_PER_INSTANCE
    return {name: transitions[name] / seconds[name] for name in sides}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short run (300 instances, 3 reps)")
    parser.add_argument("--instances", type=int, help="instances per side per repetition")
    parser.add_argument("--reps", type=int, help="repetitions")
    parser.add_argument("--chunk", type=int, default=100,
                        help="instances per interleaved chunk (default 100)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="time by the wall clock (default) or the process's CPU time")
    args = parser.parse_args()
    global clock
    clock = CLOCKS[args.clock]
    instances = args.instances or (300 if args.quick else 2000)
    reps = args.reps or (3 if args.quick else 7)

    sop = load_sop_file(SOP_FILE, load_registry(), "dukcapil")
    bpmn = BpmnParser()
    bpmn.add_bpmn_file(str(BPMN_FILE))
    spec = bpmn.get_spec(PROCESS_ID)
    # Warm-up (imports, calendar caches, first-call costs), not measured.
    run_engine(sop, 50)
    run_spiff(spec, 50)

    print(f"engine vs SpiffWorkflow: {instances} instances x {TRANSITIONS_PER_INSTANCE} "
          f"transitions per side, {reps} repetitions, interleaved in chunks of {args.chunk}, "
          f"{args.clock} clock")
    engine_tps: list[float] = []
    spiff_tps: list[float] = []
    ratios: list[float] = []
    for rep in range(reps):
        rate = one_repetition(sop, spec, instances, args.chunk)
        engine_tps.append(rate["engine"])
        spiff_tps.append(rate["spiff"])
        ratios.append(rate["engine"] / rate["spiff"])
        print(f"  rep {rep + 1}: engine {rate['engine']:>9,.0f}/s  spiff {rate['spiff']:>9,.0f}/s"
              f"  ratio {ratios[-1]:.2f}")

    def line(name: str, values: list[float], fmt: str) -> str:
        return (f"{name:<22} median {format(statistics.median(values), fmt):>9}  "
                f"range {format(min(values), fmt)} - {format(max(values), fmt)}")

    print(line("engine transitions/s", engine_tps, ",.0f"))
    print(line("spiff transitions/s", spiff_tps, ",.0f"))
    print(line("ratio engine/spiff", ratios, ".2f"))


if __name__ == "__main__":
    main()
