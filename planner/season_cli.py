"""`planner season ...`: saved seasons from the command line, in the same store as the app.

The database is `PLANNER_DATABASE_URL` (default: a SQLite file in the user's data directory);
links printed use `PLANNER_BASE_URL` (default http://localhost:8501).
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from planner import clock
from planner.config import PlannerConfig, load_config, next_monday
from planner.constants import MAX_WEEKS
from planner.domain import ENDURANCE_SPORTS, AthleteProfile, Sport
from planner.errors import InputError
from planner.store import (
    SeasonNotFound,
    StaleSeason,
    StoreUnavailable,
    delete_season,
    list_seasons,
    open_store,
)
from planner.store import load_season as load_saved
from planner.store import rotate_token as rotate_saved
from planner.terminal import printable

season_app = typer.Typer(
    no_args_is_help=True, help="Saved seasons: a private link, a live feed, re-plans."
)

EXIT_INFEASIBLE, EXIT_BAD_INPUT = 1, 2
# The choices of --sport, as for `planner plan`: endurance sports only.
MainSport = StrEnum("MainSport", {s.value: s.value for s in ENDURANCE_SPORTS})
Token = Annotated[str, typer.Argument(help="The season's private token.", show_default=False)]
DateList = list[str] | None


def _echo(text: str, err: bool = False, newlines: bool = False) -> None:
    """Print without escape sequences: season and file names are the user's text."""
    typer.echo(printable(text, newlines), err=err)


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    # a config or catalog error lists one problem per line: those newlines are kept
    _echo(f"error: {message}", err=True, newlines=True)
    return typer.Exit(code)


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{option} '{value}' is not a date; use YYYY-MM-DD") from None


def _dates(values: DateList, option: str) -> list[dt.date]:
    return [d for d in (_date(v, option) for v in values or []) if d is not None]


def _store():
    try:
        return open_store()
    except StoreUnavailable as exc:  # a bad setting, folder or server: one line naming it
        raise _fail(str(exc)) from None


def _run(action):  # noqa: ANN001, ANN202 - one place that turns store/planner errors into exits
    from planner.seasons import PlanFailed

    try:
        return action()
    except SeasonNotFound as exc:
        raise _fail(str(exc)) from None
    except InputError as exc:
        raise _fail(str(exc)) from None
    except PlanFailed as exc:
        for line in exc.plan.conflicts:
            _echo(line, err=True)
        raise _fail(f"{exc}; nothing was saved", EXIT_INFEASIBLE) from None
    except StaleSeason as exc:
        raise _fail(str(exc), EXIT_INFEASIBLE) from None
    except StoreUnavailable as exc:
        raise _fail(str(exc)) from None


@season_app.command("new")
def new(
    calendar_or_url: Annotated[
        str, typer.Argument(help="Calendar file (.ics/.csv) or its http(s)/webcal URL.")
    ],
    name: Annotated[str | None, typer.Option(help="Season name (default: the file).")] = None,
    start: Annotated[str | None, typer.Option(help="First day (default next Monday).")] = None,
    weeks: Annotated[
        int | None, typer.Option(min=1, max=MAX_WEEKS, help="Horizon in weeks (1-104).")
    ] = None,
    sport: Annotated[
        MainSport | None,
        typer.Option(help="Main endurance sport (default: the calendar's dominant sport)."),
    ] = None,
    config: Annotated[Path | None, typer.Option(help="Rules config TOML.")] = None,
) -> None:
    """Plan a season and save it: prints {"token", "link", "feed"} as JSON."""
    from planner.cli import default_weeks
    from planner.seasons import calendar_of, create, links, source_from

    first = _date(start, "--start") or next_monday()

    def action() -> str:
        cfg = load_config(config) if config else PlannerConfig()
        source = source_from(calendar_or_url)
        calendar = calendar_of(source)
        main = Sport(sport.value) if sport else calendar.dominant_sport()
        profile = AthleteProfile(sport=main)
        horizon = weeks or default_weeks(calendar, first, cfg)
        token, _ = create(
            _store(),
            source,
            name=name or source.filename,
            profile=profile,
            config=cfg,
            start=first,
            weeks=horizon,
        )
        return token

    token = _run(action)
    info = links(token)
    typer.echo(json.dumps({k: info[k] for k in ("token", "link", "feed", "webcal")}))


@season_app.command("show")
def show(
    token: Token,
    out: Annotated[Path | None, typer.Option(help="Write the plan: .json, .ics or .csv.")] = None,
) -> None:
    """Show a saved season, or write its current plan with --out."""
    season = _run(lambda: load_saved(_store(), token))
    plan = season.plan()
    if out is not None:
        from planner.export import write_plan

        try:
            write_plan(plan, out, season.export, uid_scope=season.uid_scope)
        except ValueError as exc:
            raise _fail(str(exc)) from None
        _echo(f"{plan.status.value}: {len(plan.sessions)} sessions -> {out}", err=True)
        return
    fetched = season.source.fetched_at
    _echo(f"{season.name} ({season.sport}), {season.start} for {season.weeks} weeks")
    source = f"URL, fetched {fetched:%Y-%m-%d %H:%M} UTC" if fetched else season.source.filename
    _echo(f"calendar: {source}")
    _echo("plans: " + ", ".join(f"{p.number} {p.origin}" for p in season.history))
    for kept in season.calendars:
        when = f", fetched {kept.fetched_at:%Y-%m-%d %H:%M} UTC" if kept.fetched_at else ""
        _echo(
            f"calendar version {kept.number}: {kept.state}, {kept.events} events{when}"
            + (f" ({kept.note})" if kept.note else "")
        )
    for kind in ("done", "missed", "pins", "blocks"):
        days = getattr(season.marks, kind)
        if days:
            typer.echo(f"{kind}: " + " ".join(d.isoformat() for d in days))
    from planner.cli import _print_plan

    _print_plan(plan)


@season_app.command("replan")
def replan_command(
    token: Token,
    today: Annotated[str | None, typer.Option(help="Sessions before this day are history.")] = None,
    done: Annotated[DateList, typer.Option(help="Past session done (repeat).")] = None,
    missed: Annotated[DateList, typer.Option(help="Past session missed (repeat).")] = None,
    pin: Annotated[DateList, typer.Option(help="Day that must hold a session (repeat).")] = None,
    block: Annotated[DateList, typer.Option(help="Day with no session (repeat).")] = None,
    pin_exercises: Annotated[
        bool, typer.Option(help="Pinned days keep their exercises too.")
    ] = False,
) -> None:
    """Add marks to the season and re-plan it; the feed follows."""
    from planner.seasons import merged_marks, replan_season

    day = _date(today, "--today") or clock.today()
    added = {
        "done": _dates(done, "--done"),
        "missed": _dates(missed, "--missed"),
        "pins": _dates(pin, "--pin"),
        "blocks": _dates(block, "--block"),
    }

    def action():  # noqa: ANN202
        store = _store()
        season = load_saved(store, token)
        marks = merged_marks(season.marks, **added)
        return replan_season(
            store,
            token,
            today=day,
            marks=marks,
            pin_exercises=pin_exercises,
            expected_version=season.version,
        )

    season = _run(action)
    _report(season)


@season_app.command("refresh")
def refresh_command(
    token: Annotated[
        str | None, typer.Argument(help="The season's private token.", show_default=False)
    ] = None,
    all_seasons: Annotated[
        bool, typer.Option("--all", help="Every season linked by URL (re-plans changed ones).")
    ] = False,
    today: Annotated[str | None, typer.Option(help="Sessions before this day are history.")] = None,
    accept_smaller: Annotated[
        bool,
        typer.Option(help="Apply the calendar even if it lost most of the events ahead."),
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option(help="With --all: a Dask scheduler, tcp://HOST:8786 (default: local pool)."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, max=256, help="With --all: local pool size (cores).")
    ] = None,
    run: Annotated[
        str | None,
        typer.Option(
            help="With --all: resume (or start) this run id (default: the last "
            "unfinished run, else a new one)."
        ),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="With --all: write the per-season report.")
    ] = None,
) -> None:
    """Fetch a season's calendar URL again and re-plan with the smallest change; with --all,
    every season linked by URL whose calendar changed."""
    from planner.seasons import CalendarHeld, refresh

    day = _date(today, "--today") or clock.today()
    if all_seasons == (token is not None):
        raise _fail("give a TOKEN or --all (not both)")
    if all_seasons:
        if accept_smaller:  # a nightly job must not apply reads that lost most of a calendar
            raise _fail("--accept-smaller is for one season (a TOKEN), not --all")
        from planner import refresh_cli

        _store()  # a store that cannot open says so here, once
        status = _run(
            lambda: refresh_cli.run(
                today=day, scheduler=scheduler, workers=workers, run_id=run, json_out=json_out
            )
        )
        raise typer.Exit(status)

    def action():  # noqa: ANN202
        try:
            return refresh(_store(), token, today=day, accept_smaller=accept_smaller)
        except CalendarHeld as exc:
            raise _fail(
                f"{exc}; if the calendar really shrank, run again with --accept-smaller",
                EXIT_INFEASIBLE,
            ) from None

    _report(_run(action))


@season_app.command("undo")
def undo_command(token: Token) -> None:
    """Back to the plan before the last change; undoing a refresh brings its calendar back."""
    from planner.store import undo_plan

    _report(_run(lambda: undo_plan(_store(), token)))


def _report(season) -> None:  # noqa: ANN001
    plan = season.plan()
    typer.echo(
        f"plan {season.current().number} ({season.current().origin}): {plan.status.value}, "
        f"{len(plan.sessions)} sessions",
        err=True,
    )
    if plan.diff is not None:
        d = plan.diff
        typer.echo(
            f"diff: {len(d.kept)} kept, {len(d.moved)} moved, {len(d.added)} added, "
            f"{len(d.removed)} removed",
            err=True,
        )


@season_app.command("rotate")
def rotate(token: Token) -> None:
    """Give the season a new token: the old link and feed stop working."""
    from planner.seasons import links

    fresh = _run(lambda: rotate_saved(_store(), token))
    info = links(fresh)
    typer.echo(json.dumps({k: info[k] for k in ("token", "link", "feed", "webcal")}))


@season_app.command("delete")
def delete(token: Token) -> None:
    """Delete the season and everything saved with it."""
    _run(lambda: delete_season(_store(), token))
    typer.echo("deleted", err=True)


@season_app.command("list")
def list_command() -> None:
    """List saved seasons (tokens are not stored, so they are not shown)."""
    rows = [
        {
            "id": s.id,
            "name": s.name[:40],
            "sport": s.sport,
            "start": s.start.isoformat(),
            "weeks": s.weeks,
            "plans": s.plans,
            "updated": f"{s.updated_at:%Y-%m-%d %H:%M}",
        }
        for s in _run(lambda: list_seasons(_store()))
    ]
    from planner.cli import _print_table

    _print_table(rows)
