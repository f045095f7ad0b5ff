"""Export options: how the plan lands in the athlete's calendar."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from planner.plan import Plan

DEFAULT_TIMEZONE = "UTC"


def zone(name: str) -> ZoneInfo:
    """The IANA timezone `name`, or a ValueError that says what to write instead."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise ValueError(
            f"unknown timezone {name!r}: use an IANA name such as 'Europe/London' or 'UTC'"
        ) from error


class ExportOptions(BaseModel):
    """How sessions are placed in the calendar file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    all_day: bool = Field(
        default=False, description="All-day entries instead of timed ones at `time`."
    )
    time: dt.time = Field(
        default=dt.time(18, 0), description="Local start time of each session (timed events)."
    )
    timezone: str | None = Field(
        default=None,
        description="IANA timezone of `time`; default: the plan's timezone, else UTC.",
    )
    include_training: bool = Field(
        default=False, description="Also export the endurance events as all-day entries."
    )
    reminder_minutes: int | None = Field(
        default=None,
        ge=0,
        le=7 * 24 * 60,
        description="Reminder this many minutes before each session (all-day: before 00:00).",
    )
    calendar_name: str = Field(
        default="Strength plan", min_length=1, description="Name the calendar app shows."
    )

    @field_validator("time")
    @classmethod
    def _local_time(cls, value: dt.time) -> dt.time:
        if value.tzinfo is not None:
            raise ValueError("give 'time' as a local time without offset; set 'timezone' instead")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        if value is not None:
            zone(value)
        return value

    def timezone_for(self, plan: Plan) -> str:
        """The timezone sessions are placed in: the option, else the plan's, else UTC."""
        name = self.timezone or plan.timezone or DEFAULT_TIMEZONE
        zone(name)
        return name
