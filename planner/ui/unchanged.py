"""A weight change that moves no session says why.

Raising a soft rule's weight (Hard-day interference 3 -> 10) and getting the sessions on the very
same days looked like the setting was ignored. It is not: either the plan already keeps the rule
everywhere, or each violation left costs more to remove (a hard rule, or more cost under the
other rules). The page says which, for each weight changed since the last plan of the same
calendar.
"""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

from constraints import rule_by_id
from planner.plan import Plan, Status
from planner.ui.fields import label_in_sentence
from planner.ui.settings import Settings
from planner.wording import plural

LAST_SOLVE = "last_solve"  # (calendar identity, rules JSON-able dict, sessions fingerprint)


def _days_print(plan: Plan) -> str:
    """The session days: what the board shows moving."""
    content = ",".join(s.date.isoformat() for s in plan.sessions)
    return hashlib.sha256(content.encode()).hexdigest()


def weight_changes(
    before: dict[str, Any], after: dict[str, Any]
) -> list[tuple[str, str, Any, Any]]:
    """(rule id, field, old, new) of every weight that changed; [] when anything else changed
    too (then a new plan is expected to differ for other reasons)."""
    changes = []
    for rule_id in sorted(set(before) | set(after)):
        old, new = before.get(rule_id, {}), after.get(rule_id, {})
        for name in sorted(set(old) | set(new)):
            if old.get(name) == new.get(name):
                continue
            if not name.endswith("weight"):
                return []
            changes.append((rule_id, name, old.get(name), new.get(name)))
    return changes


def unchanged_lines(plan: Plan, changes: list[tuple[str, str, Any, Any]]) -> list[str]:
    """Why each changed weight left the plan as it was, from the plan's own rule reports."""
    reports = {r.id: r for r in plan.explanation.rules}
    lines = []
    for rule_id, name, old, new in changes:
        rule = rule_by_id(rule_id)
        title = rule.title if rule else rule_id
        head = f"{title}: {label_in_sentence(name)} {old} -> {new} moved no session"
        report = reports.get(rule_id)
        broken = len(report.violations) if report else 0
        if broken == 0:
            lines.append(f"{head}: the plan already keeps this rule everywhere, so there is "
                         "nothing for a higher weight to change.")  # fmt: skip
        elif plan.status == Status.optimal:
            lines.append(
                f"{head}: the plan still breaks it {plural(broken, 'time')}; moving any of "
                "those sessions would break a hard rule or cost more under the other rules."
            )
        else:
            lines.append(
                f"{head}: it still breaks it {plural(broken, 'time')}; within the time limit no "
                "plan that breaks it less was found."
            )
    return lines


def explain_unchanged(plan: Plan, settings: Settings, identity: str) -> None:
    """After a solve: when only weights changed since the last plan of this calendar and the
    sessions sit on the same days, say why."""
    rules = settings.config.model_dump(mode="json").get("rules", {})
    current = (identity, rules, _days_print(plan), settings.start, settings.weeks)
    last = st.session_state.get(LAST_SOLVE)
    st.session_state[LAST_SOLVE] = current
    if not last or last[0] != identity or last[3:] != current[3:] or last[2] != current[2]:
        return
    changes = weight_changes(last[1], rules)
    if changes:
        st.info("\n".join(f"- {line}" for line in unchanged_lines(plan, changes)),
                icon=":material/balance:")  # fmt: skip
