"""Polish the solver's starting plan a few weeks at a time before the search.

CP-SAT with one worker proves a plan optimal quickly once it holds the optimum, but from a
starting plan a few points off it can search for seconds on a year-long season: its search
improves the whole plan at once, while the greedy's mistakes are local (a core chain missed in
a week because its only session fell before a long ride, a session a week too late). So the
starting plan is re-solved window by window: everything outside `WINDOW_WEEKS` weeks fixed to
the current plan, the window solved exactly (presolve settles most of it, so each window takes
a few milliseconds of solver work), the window then moved on by `STEP_WEEKS`. The windows
overlap so that a change at a window's edge can be answered in the next. Each window stops on
deterministic work, not wall time, so plans stay reproducible; the result is only a better
starting plan, and the search that follows still has to prove it.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from planner.instance import Instance
from planner.model import BuiltModel, solver_for

# Measured on the 52-week benchmark season (benchmarks/bench_solve.py), all key-session rules
# on: 8-week windows moved by 6 (9 windows) reach its optimum in one pass; 4 by 2 need 26
# windows for it, 6 by 5 (11) stop 2 points above it, 10 by 8 (7) far above it.
WINDOW_WEEKS = 8
STEP_WEEKS = 6
# Work units (CP-SAT's deterministic time) a window may take; most take under 0.01.
WINDOW_WORK = 0.1
# Shorter plans are proven from the greedy plan within the solver's fast phase (16 weeks: 0.013
# work units, the 22-week demo 0.06), and each window costs a presolve of the whole model
# (0.03-0.1 s): polishing them costs more than it saves. From 26 weeks on it pays (26 weeks:
# 0.25 work units, 0.5 s, to prove without; 0.2 s of polish and 0.02 work units with it; 39,
# 52 and 104 weeks had no proof after 1.5 work units without it).
POLISH_FROM_WEEKS = 24


def polish_hint(inst: Instance, built: BuiltModel, limit: float) -> int:
    """Improve the model's solution hint window by window within `limit` seconds; return the
    number of windows that improved it. A hint the windows cannot complete stays as it was."""
    model = built.model
    hint = model.proto.solution_hint
    if not polished(inst) or not len(hint.vars):
        return 0
    started = time.perf_counter()
    week_of = built.vars.week_of_variables()
    values = dict(zip(hint.vars, hint.values, strict=True))
    best: float | None = None
    improved = 0
    for first in window_starts(inst.n_weeks):
        if 7 * (first + WINDOW_WEEKS) <= inst.first_free:
            continue  # a re-plan's history: nothing in the window is decided again
        remaining = limit - (time.perf_counter() - started)
        if remaining <= 0:
            break
        outside = [
            i for i, w in week_of.items() if not first <= w < first + WINDOW_WEEKS and i in values
        ]
        set_hint(model, outside, [values[i] for i in outside])
        solver = solver_for(inst)
        solver.parameters.fix_variables_to_their_hinted_value = True
        solver.parameters.max_deterministic_time = WINDOW_WORK
        solver.parameters.max_time_in_seconds = remaining
        code = solver.solve(model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue  # the plan outside this window cannot be completed: try the next one
        if best is None or solver.objective_value < best:
            improved += best is not None
            best = solver.objective_value
            values = dict(enumerate(solver.response_proto.solution))
    set_hint(model, list(values), list(values.values()))
    return improved


def polished(inst: Instance) -> bool:
    """Whether plans of this length get their starting plan polished."""
    return inst.n_weeks >= POLISH_FROM_WEEKS


def window_starts(n_weeks: int) -> list[int]:
    """First week of each window: every STEP_WEEKS weeks until a window reaches the end."""
    starts = [0]
    while starts[-1] + WINDOW_WEEKS < n_weeks:
        starts.append(starts[-1] + STEP_WEEKS)
    return starts


def set_hint(model: cp_model.CpModel, indices: list[int], values: list[int]) -> None:
    """Replace the model's hint in bulk (a per-variable `add_hint` is 20x slower here)."""
    model.clear_hints()
    model.proto.solution_hint.vars.extend(indices)
    model.proto.solution_hint.values.extend(values)
