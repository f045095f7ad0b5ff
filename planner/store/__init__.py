"""Saved seasons: SQLAlchemy models, Alembic migrations and a small repository API.

The core (instance, rules, model, solve) never imports this package; the CLI and the app do.
"""

from planner.store.database import (
    DATABASE_URL_ENV,
    Store,
    StoreUnavailable,
    default_url,
    open_store,
)
from planner.store.repository import (
    CalendarVersion,
    FeedPlan,
    Marks,
    PlanVersion,
    Season,
    SeasonNotFound,
    SeasonSummary,
    Source,
    StaleSeason,
    add_plan_version,
    calendar_version,
    delete_season,
    feed_plan,
    hold_calendar,
    list_seasons,
    load_season,
    rotate_token,
    save_season,
    set_marks,
    undo_plan,
    update_season,
)

__all__ = [
    "DATABASE_URL_ENV",
    "CalendarVersion",
    "StoreUnavailable",
    "calendar_version",
    "hold_calendar",
    "FeedPlan",
    "Marks",
    "PlanVersion",
    "Season",
    "SeasonNotFound",
    "SeasonSummary",
    "Source",
    "StaleSeason",
    "Store",
    "add_plan_version",
    "default_url",
    "delete_season",
    "feed_plan",
    "list_seasons",
    "load_season",
    "open_store",
    "rotate_token",
    "save_season",
    "set_marks",
    "undo_plan",
    "update_season",
]
