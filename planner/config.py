"""Planner settings: season shape, rule parameters and solver limits, from defaults or a TOML file.

The rule parameters are validated against the rule registry, so the CLI, the TOML file and the app
all accept exactly what the rules declare.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializeAsAny,
    ValidationError,
    model_validator,
)

from constraints import REGISTRY, rule_by_id
from constraints.base import RuleParams
from planner import clock
from planner.errors import ConfigError

MAX_CONFIG_BYTES = 256 * 1024
MAX_TIME_LIMIT_S = 600
MAX_SEED = 2**31 - 1


class SeasonSettings(BaseModel):
    """How the season is cut into strength phases (counted back from each A race)."""

    model_config = ConfigDict(extra="forbid")

    taper_weeks: int = Field(default=2, ge=1, le=4, description="Weeks of taper before an A race.")
    peak_weeks: int = Field(default=2, ge=0, le=6, description="Weeks of peak before the taper.")
    build_weeks: int = Field(default=8, ge=0, le=16, description="Weeks of build before the peak.")
    transition_weeks: int = Field(
        default=1, ge=0, le=6, description="Weeks of mobility-only transition after an A race."
    )
    adaptation_weeks: int = Field(
        default=3,
        ge=0,
        le=8,
        description="Weeks of anatomical adaptation (light, higher reps) opening each block after "
        "a transition; the plan's first block takes what the athlete's experience asks for "
        "(adaptation-first), or this when that rule is off.",
    )
    max_strength_weeks: int = Field(
        default=4,
        ge=1,
        le=12,
        description="Shortest max-strength block: taken from build when base is shorter, and "
        "never cut by a deload; a season too short for it says so in a note.",
    )
    deload_every: int = Field(
        default=4, ge=2, le=8, description="Every n-th week of a block is a deload week."
    )
    deload_volume_pct: int = Field(
        default=30,
        ge=0,
        le=60,
        description="Volume cut in a deload week, percent of the sets of the last normal week.",
    )


class SolverSettings(BaseModel):
    """Limits of one solve. One worker and a fixed seed make plans reproducible."""

    model_config = ConfigDict(extra="forbid")

    time_limit_s: float = Field(
        default=10.0,
        gt=0,
        le=MAX_TIME_LIMIT_S,
        allow_inf_nan=False,
        description="Wall-clock limit of the whole run (model build and solve), seconds.",
    )
    workers: int = Field(default=1, ge=1, le=16, description="Search workers (1 = reproducible).")
    # CP-SAT keeps the seed in a 32-bit integer: anything larger cannot reach the solver.
    seed: int = Field(default=0, ge=0, le=MAX_SEED, description="Random seed of the search.")


class PlannerConfig(BaseModel):
    """Everything a solve depends on besides the calendar, catalog and profile."""

    model_config = ConfigDict(extra="forbid")

    season: SeasonSettings = Field(default_factory=SeasonSettings)
    solver: SolverSettings = Field(default_factory=SolverSettings)
    # SerializeAsAny: dump each rule's own parameters, not just the base class's `enabled`.
    rules: dict[str, SerializeAsAny[RuleParams]] = Field(
        default_factory=dict, description="Rule id -> parameters; missing rules use defaults."
    )

    @model_validator(mode="before")
    @classmethod
    def _parse_rules(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("rules"), dict):
            parsed: dict[str, RuleParams] = {}
            for rule_id, params in data["rules"].items():
                rule = rule_by_id(rule_id)
                if rule is None:
                    known = ", ".join(r.id for r in REGISTRY)
                    raise ValueError(f"unknown rule '{rule_id}' (known rules: {known})")
                if isinstance(params, RuleParams):
                    params = params.model_dump()
                parsed[rule_id] = rule.Params.model_validate(params)
            data = {**data, "rules": parsed}
        return data

    def params(self, rule_id: str) -> RuleParams:
        """The rule's parameters: as configured, else its defaults."""
        if rule_id in self.rules:
            return self.rules[rule_id]
        rule = rule_by_id(rule_id)
        if rule is None:
            raise KeyError(rule_id)
        return rule.Params()

    def all_params(self) -> dict[str, RuleParams]:
        return {rule.id: self.params(rule.id) for rule in REGISTRY}

    def with_rule(self, rule_id: str, **changes: Any) -> PlannerConfig:
        """A copy with some parameters of one rule changed (validated)."""
        current = self.params(rule_id).model_dump()
        current.update(changes)
        rules = {k: v.model_dump() for k, v in self.rules.items()}
        rules[rule_id] = current
        return PlannerConfig.model_validate({**self.model_dump(exclude={"rules"}), "rules": rules})

    def settings_json(self) -> dict[str, dict[str, Any]]:
        """Rule id -> parameters, for the plan's `settings` key."""
        return {rule_id: p.model_dump(mode="json") for rule_id, p in self.all_params().items()}


def load_config(path: str | Path) -> PlannerConfig:
    """Read a TOML config: `[season]`, `[solver]` and one `[rules.<rule-id>]` table per rule."""
    path = Path(path)
    where = str(path)
    if not path.exists():
        raise ConfigError("config file not found", where=where, hint="check the path")
    if not path.is_file():
        raise ConfigError("config path is not a file", where=where)
    if path.stat().st_size > MAX_CONFIG_BYTES:
        raise ConfigError(f"config file is larger than {MAX_CONFIG_BYTES // 1024} KB", where=where)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError("config file is not UTF-8 text", where=where) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", where=where) from None
    except RecursionError:  # tomllib recurses once per nesting level of arrays and tables
        raise ConfigError(
            "not valid TOML: arrays or tables are nested too deeply",
            where=where,
            hint="a rules config nests at most two tables deep",
        ) from None
    return parse_config(data, where=where)


def parse_config(data: dict[str, Any], where: str = "config") -> PlannerConfig:
    try:
        return PlannerConfig.model_validate(data)
    except RecursionError:
        raise ConfigError("values are nested too deeply", where=where) from None
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = ".".join(str(part) for part in err["loc"])
            lines.append(f"{loc}: {err['msg']}{_got(err)}")
        raise ConfigError("; ".join(lines), where=where, hint="see `planner rules`") from None


def _got(err: Any) -> str:
    """' (got 9999999999)' for a scalar input, so the message shows what was refused."""
    value = err.get("input")
    if isinstance(value, dict | list) or value is None:
        return ""
    shown = repr(value)
    return f" (got {shown if len(shown) <= 60 else shown[:57] + '...'})"


def with_time_limit(config: PlannerConfig, seconds: float, option: str) -> PlannerConfig:
    """A copy with another solver time limit, validated like the config file's
    `[solver] time_limit_s` (a plain model_copy would skip the bounds)."""
    try:
        solver = SolverSettings.model_validate(
            {**config.solver.model_dump(), "time_limit_s": seconds}
        )
    except ValidationError:
        raise ConfigError(
            f"{option} {seconds:g} is not allowed: give the seconds the whole run may take, "
            f"a number above 0 and at most {MAX_TIME_LIMIT_S}"
        ) from None
    return config.model_copy(update={"solver": solver})


def next_monday(today: dt.date | None = None) -> dt.date:
    today = today or clock.today()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)
