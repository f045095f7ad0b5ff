"""pins: pinned days hold a session (with its exercises, if pinned too); blocked days hold none."""

from __future__ import annotations

from constraints.base import Forbidden, Penalty, Rule, RuleParams, enforce_if


class Pins(Rule):
    id = "pins"
    title = "Pinned and blocked days"
    statement = "A pinned day holds a session (its exercises too, if pinned); a blocked day none."
    hard = True
    Params = RuleParams

    def forbidden(self, inst, params) -> Forbidden:
        if inst.history is None:
            return Forbidden()
        return Forbidden(days={d for d in inst.history.blocked if d >= inst.first_free})

    def applies(self, inst) -> bool:
        return inst.history is not None

    def build(self, inst, v, params, enforce) -> list[Penalty]:
        history = inst.history
        if history is None:
            return []
        m = v.model
        for d in sorted(self.forbidden(inst, params).days):
            enforce_if(m.add(v.session_on(d) == 0), enforce)
        for d in sorted(history.pinned):
            if d < inst.first_free:
                continue
            enforce_if(m.add(v.session_on(d) == 1), enforce)
            exercises = history.pinned_exercises.get(d)
            if exercises is None:
                continue
            for c in range(len(inst.chains)):
                if c in exercises:
                    enforce_if(m.add(v.does(d, c, exercises[c]) == 1), enforce)
                else:
                    enforce_if(m.add(v.trains(d, c) == 0), enforce)
        return []

    def conflict_text(self, params) -> str:
        return "the pinned and blocked days (pins)"
