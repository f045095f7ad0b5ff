"""What every coaching rule is: an id, a plain statement, parameters with bounds, hard or soft.

A rule's `build` adds its constraints to the CP-SAT model. Hard constraints are enforced only if
the rule's literal is true, so an infeasible request can be explained by asking the solver which
rule literals cannot hold together. Soft rules return named penalty terms; only the model class
turns them into the objective.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from planner.instance import Instance
    from planner.variables import PlanVars


class RuleParams(BaseModel):
    """Parameters every rule has. Subclasses add the rule's own, each with bounds."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    enabled: bool = Field(default=True, description="Switch the rule on or off.")


class SoftParams(RuleParams):
    """Soft rules also carry a weight: the cost of one unit of violation."""

    weight: int = Field(default=1, ge=0, le=20, description="Cost of one unit of violation.")


@dataclass(frozen=True)
class Penalty:
    """One soft-rule penalty term: `coefficient * var`, with a sentence naming the violation.

    `var` may be a Boolean or a bounded integer variable; `text` reads as an explanation, with
    `{n}` replaced by the variable's value after solving.
    """

    rule_id: str
    var: cp_model.IntVar
    coefficient: int
    text: str
    # What the term counts, for the model's redundant constraints (planner/slot_cuts.py):
    # ("missed", chain, first day) for balance, ("no core", chain, week), ("over", week).
    key: tuple = ()


@dataclass
class Forbidden:
    days: set[int] = field(default_factory=set)
    choices: set[tuple[int, int, int]] = field(default_factory=set)  # (day, chain, level)


class Rule:
    """Base class of a coaching rule. Subclasses set the class attributes and `build`."""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "has_hard_constraints" not in cls.__dict__ and "hard" in cls.__dict__:
            cls.has_hard_constraints = cls.hard

    id: ClassVar[str]
    title: ClassVar[str]
    statement: ClassVar[str]
    hard: ClassVar[bool]
    # Soft rules may still hold a hard part (a cap); only rules with one can take part in a
    # conflict, so only they get an enforcement literal.
    has_hard_constraints: ClassVar[bool] = False
    Params: ClassVar[type[RuleParams]] = RuleParams

    def build(
        self,
        inst: Instance,
        v: PlanVars,
        params: RuleParams,
        enforce: cp_model.IntVar | None,
    ) -> list[Penalty]:
        """Add the rule to the model. Hard constraints use `only_enforce_if(enforce)` when given."""
        raise NotImplementedError

    def applies(self, inst: Instance) -> bool:
        """Whether the rule has anything to say about this instance (re-plan rules need one)."""
        return True

    def forbidden(self, inst: Instance, params: RuleParams) -> Forbidden:
        """Days and (day, chain, level) choices the rule rules out whatever else is chosen.

        The model leaves these out before solving (a smaller model presolves faster); `build`
        still states them, so with enforcement literals the rule can be blamed for them.
        """
        return Forbidden()

    def conflict_text(self, params: RuleParams) -> str:
        """The rule as it reads in an infeasibility explanation, with its current parameters."""
        return self.statement

    def describe(self, params: RuleParams) -> str:
        """The statement as it reads with these parameters (the settings and the Why tab show
        this, so the sentence follows the sliders). Rules with numbers in their statement
        override it; `describe(Params())` must equal `statement`."""
        return self.statement


def enforce_if(ct: cp_model.Constraint, enforce: cp_model.IntVar | None) -> None:
    """Attach the rule's enforcement literal, if any, to a constraint."""
    if enforce is not None:
        ct.only_enforce_if(enforce)
