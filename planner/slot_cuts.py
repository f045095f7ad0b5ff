"""Redundant constraints that let the LP relaxation see a counting argument: a fortnight has only
so many exercise slots (sessions x exercises a session), and every chain the balance rule counts
(plus each week's core chains) needs one.

With more chains than a session holds (the exercises beyond the articles: nine chains, five
slots) a one-session-a-week fortnight cannot train them all: some balance or core penalty, or an
extra session, is forced. The LP relaxation pays for a fifth of an extra session instead, so
without these cuts the solver proves that cost only by search. They change no plan: each follows
from session-size, weekly-frequency's count, balance and sport-emphasis, and is rounded as
integers allow (a Chvatal-Gomory cut).

For a balance window F (whole weeks), with M the window's missed-chain and missed-core penalty
variables, O its weeks' extra-session variables, T the sessions its weeks aim for and S the most
exercises a session holds: the chains need R slots, at most S * (T + O) exist, so M + S * O >= k
with k = R - S * T; when 1 <= k <= S, also M + k * O >= k (O = 0 leaves M >= k; O >= 1 meets it).
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from constraints.base import Penalty
from planner.instance import Instance


def add_slot_cuts(inst: Instance, model: cp_model.CpModel, penalties: list[Penalty]) -> int:
    """Add the cuts the active rules support; returns how many were added."""
    config = inst.config
    size, frequency = config.params("session-size"), config.params("weekly-frequency")
    if not (size.enabled and frequency.enabled) or not config.params("balance").enabled:
        return 0
    by_key = {p.key: p.var for p in penalties if p.key}
    slots = size.max_exercises
    added = 0
    windows = sorted({(k[2]) for k in by_key if k[0] == "missed"})
    for first in windows:
        end = min(inst.n_days, first + config.params("balance").window_days)
        if first % 7 or end % 7 or first < inst.first_free:
            # whole weeks only (sessions are counted per week), and no history: sessions
            # already done may hold more exercises than session-size allows now
            continue
        weeks = range(first // 7, end // 7)
        over = [by_key.get(("over", w)) for w in weeks]
        if any(o is None for o in over):
            continue  # a week of history: its sessions are not counted against the target
        target = sum(min(inst.week_target(w), frequency.max_per_week) for w in weeks)
        missed, needed = [], 0
        for c in range(len(inst.chains)):
            chain_missed = by_key.get(("missed", c, first))
            if chain_missed is None:
                continue  # the phase allows none of its levels here: the window does not count
            core = [by_key.get(("no core", c, w)) for w in weeks]
            if all(x is not None for x in core):
                missed += core  # trained every week, or a core penalty: one slot a week
                needed += len(core)
            else:
                missed.append(chain_missed)
                needed += 1
        k = needed - slots * target
        if k < 1:
            continue
        model.add(sum(missed) + slots * sum(over) >= k)
        if k <= slots:
            model.add(sum(missed) + k * sum(over) >= k)
        added += 1
    return added
