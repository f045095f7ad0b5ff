"""Saved seasons: SQLAlchemy models, Alembic migrations and a small repository API.

The core (instance, rules, model, solve) never imports this package; the CLI and the app do.
"""

from planner.store.database import DATABASE_URL_ENV, Store, default_url, open_store
from planner.store.repository import (
    FeedHead,
    FeedPlan,
    Marks,
    PlanVersion,
    Season,
    SeasonKey,
    SeasonNotFound,
    SeasonSummary,
    Source,
    StaleSeason,
    add_plan_version,
    delete_season,
    feed_head,
    feed_plan,
    feed_plan_of,
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
    "FeedHead",
    "FeedPlan",
    "Marks",
    "PlanVersion",
    "Season",
    "SeasonKey",
    "SeasonNotFound",
    "SeasonSummary",
    "Source",
    "StaleSeason",
    "Store",
    "add_plan_version",
    "default_url",
    "delete_season",
    "feed_head",
    "feed_plan",
    "feed_plan_of",
    "list_seasons",
    "load_season",
    "open_store",
    "rotate_token",
    "save_season",
    "set_marks",
    "undo_plan",
    "update_season",
]
