"""The `planner` command line: events, catalog, rules and plan."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import sys
from enum import StrEnum
from pathlib import Path
from time import perf_counter
from typing import Annotated

import typer

from constraints import REGISTRY
from planner import clock
from planner.catalog import catalog_table, catalog_to_json, load_catalog
from planner.config import PlannerConfig, load_config, next_monday, with_time_limit
from planner.constants import MAX_WEEKS
from planner.domain import (
    ENDURANCE_SPORTS,
    AthleteProfile,
    Calendar,
    Catalog,
    Experience,
    Sport,
)
from planner.errors import InputError
from planner.horizon import default_start, default_weeks, monday_of
from planner.importers import calendar_to_json, load_calendar, load_demo
from planner.importers.limits import MAX_YEAR, MIN_YEAR
from planner.plan import Plan, Status
from planner.terminal import printable
from planner.wording import race_title

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Plan strength sessions around an endurance calendar.",
    # Plain click help: rich's option table truncates long option names at 80 columns.
    rich_markup_mode=None,
    # A crash must not print local variables: they may hold a calendar link's secret.
    pretty_exceptions_show_locals=False,
)

EXIT_PLAN, EXIT_INFEASIBLE, EXIT_BAD_INPUT = 0, 1, 2

# The choices of --sport: endurance sports only (strength is what the planner plans).
MainSport = StrEnum("MainSport", {s.value: s.value for s in ENDURANCE_SPORTS})

CalendarArg = Annotated[
    Path | None,
    typer.Argument(help="Calendar file (.ics or .csv). Omitted: the built-in demo season."),
]
CatalogOpt = Annotated[
    Path | None, typer.Option("--catalog", help="Exercise catalog TOML (default: built-in).")
]


def _echo(text: object = "", err: bool = False, newlines: bool = False) -> None:
    typer.echo(printable(text, newlines), err=err)


TIMEZONE_HELP = (
    "Your time zone, Area/City (e.g. Australia/Sydney): UTC times in the calendar (Strava, "
    "UTC-only feeds) are dated in it, and plan exports use it. Default: the calendar's own zone."
)


def _fail(message: str) -> typer.Exit:
    # a catalog lists one problem per line: those newlines are kept
    _echo(f"error: {message}", err=True, newlines=True)
    return typer.Exit(EXIT_BAD_INPUT)


def _parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{option} '{value}' is not a date; use YYYY-MM-DD") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise _fail(
            f"{option} '{value}' is outside the years {MIN_YEAR}-{MAX_YEAR}; "
            "give a date in that range"
        )
    return day


def _parse_timezone(value: str | None) -> str | None:
    """The --timezone value as an IANA name (trimmed), or exit 2 naming the option."""
    if value is None:
        return None
    from planner.importers.ical_zones import iana_zone

    zone = iana_zone(value)
    if zone is None:
        raise _fail(
            f"--timezone '{value}' is not a time zone; use an IANA name Area/City, "
            "such as Europe/London or Australia/Sydney"
        )
    return zone.key


def _read_calendar(
    path: Path | None,
    start: dt.date | None,
    end: dt.date | None,
    demo_start: dt.date,
    timezone: str | None = None,
) -> Calendar:
    if path is None:
        typer.echo("No calendar given: using the built-in demo season.", err=True)
        calendar = load_demo(demo_start)
        if start or end:
            lo, hi = start or dt.date.min, end or dt.date.max
            calendar = calendar.model_copy(update={"events": calendar.between(lo, hi)})
        return calendar
    return load_calendar(path, start=start, end=end, timezone=timezone)


# Free space an output file needs at least: a 104-week plan's largest export is about 1 MB.
MIN_FREE_BYTES = 2 * 1024 * 1024


def check_out(out: Path) -> None:
    """Refuse an --out path that cannot be written, before any work is done: a folder, a
    missing folder, a read-only folder or a full device. Probes by writing, then truncates."""
    where = str(out)
    if out.is_dir():
        raise InputError(
            "this is a folder, not a file", where=where, hint="give a file name inside it"
        )
    parent = out.parent
    if not parent.is_dir():
        raise InputError(
            f"the folder {parent} does not exist", where=where, hint="create it or write elsewhere"
        )
    existed, regular = out.exists() or out.is_symlink(), out.is_file()
    size = out.stat().st_size if regular else 0
    try:
        if shutil.disk_usage(parent).free < MIN_FREE_BYTES:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        # append and non-blocking: an existing file keeps its content, a FIFO without a reader
        # fails instead of hanging
        fd = os.open(out, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK, 0o644)
        try:
            if regular or not existed:
                os.write(fd, b"\0" * 4096)
                os.fsync(fd)
                os.ftruncate(fd, size)
            else:  # a device or a pipe: an empty write still fails on a full device
                os.write(fd, b"")
        finally:
            os.close(fd)
        if not existed:
            out.unlink()
    except OSError as exc:
        raise InputError(
            f"cannot write the file ({exc.strerror or exc})",
            where=where,
            hint="write to another folder or free some space",
        ) from None


def _write(out: Path, data: bytes) -> None:
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise _fail(f"{out}: cannot write the file ({exc.strerror or exc})") from None


def _write_json(data: object, out: Path) -> None:
    _write(out, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode())


def _print_table(rows: list[dict[str, object]]) -> None:
    if not rows:
        _echo("(nothing)")
        return
    columns = list(rows[0])
    text = [{c: printable(row.get(c, "")) for c in columns} for row in rows]
    widths = {c: max(len(str(c)), *(len(r[c]) for r in text)) for c in columns}
    _echo("  ".join(str(c).ljust(widths[c]) for c in columns))
    for row in text:
        _echo("  ".join(row[c].ljust(widths[c]) for c in columns))


@app.command()
def events(
    calendar: CalendarArg = None,
    start: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write JSON to this file.")] = None,
    timezone: Annotated[str | None, typer.Option(help=TIMEZONE_HELP)] = None,
) -> None:
    """Read a calendar and show the events it holds and the rows it skipped."""
    first, last = _parse_date(start, "--start"), _parse_date(end, "--end")
    timezone = _parse_timezone(timezone)
    try:
        if out is not None:
            check_out(out)
        cal = _read_calendar(calendar, first, last, first or next_monday(), timezone)
    except InputError as exc:
        raise _fail(str(exc)) from None
    if out is not None:
        _write_json(calendar_to_json(cal), out)
        _echo(f"{len(cal.events)} events, {len(cal.skipped)} skipped -> {out}", err=True)
        return
    _echo(f"Format: {cal.format}; {len(cal.events)} events; {len(cal.skipped)} skipped")
    _print_table(
        [
            {
                "date": e.date.isoformat(),
                "sport": e.sport.value,
                "kind": e.kind.value,
                "prio": e.priority.value if e.priority else "",
                "min": e.duration_min if e.duration_min is not None else "",
                "title": e.title[:60],
            }
            for e in cal.events
        ]
    )
    for skipped in cal.skipped:
        _echo(f"skipped {skipped.where}: {skipped.reason}")


@app.command()
def catalog(
    catalog: CatalogOpt = None,
    out: Annotated[Path | None, typer.Option(help="Write JSON to this file.")] = None,
) -> None:
    """Show the exercise catalog and its progression chains."""
    try:
        if out is not None:
            check_out(out)
        cat = load_catalog(catalog)
    except InputError as exc:
        raise _fail(str(exc)) from None
    if out is not None:
        _write_json(catalog_to_json(cat), out)
        return
    _print_table(catalog_table(cat))


@app.command()
def rules() -> None:
    """List the coaching rules with their statements and default parameters."""
    for rule in REGISTRY:
        kind = "hard" if rule.hard else "soft"
        typer.echo(f"{rule.id} ({kind}): {rule.statement}")
        for name, field in rule.Params.model_fields.items():
            bounds = [
                f"{m.__class__.__name__.lower()} {getattr(m, m.__class__.__name__.lower(), '')}"
                for m in field.metadata
                if m.__class__.__name__ in ("Ge", "Le")
            ]
            extra = f" [{', '.join(bounds)}]" if bounds else ""
            default = field.get_default(call_default_factory=True)
            typer.echo(f"    {name} = {default!r}{extra}  {field.description or ''}")


@app.command()
def plan(
    calendar: CalendarArg = None,
    start: Annotated[
        str | None,
        typer.Option(
            help="First day, YYYY-MM-DD; another weekday moves back to its Monday (default: "
            "the calendar's first week from today on, else next Monday)."
        ),
    ] = None,
    weeks: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=MAX_WEEKS,
            help="Horizon in weeks, 1-104 (default: through the last A race and its transition, "
            "else 16).",
        ),
    ] = None,
    config: Annotated[Path | None, typer.Option(help="Rules config TOML.")] = None,
    catalog: CatalogOpt = None,
    out: Annotated[Path | None, typer.Option(help="Write .json, .ics or .csv.")] = None,
    sport: Annotated[
        MainSport | None,
        typer.Option(
            help="Main endurance sport; it decides which chains the plan leans on "
            "(default: the calendar's dominant sport)."
        ),
    ] = None,
    equipment: Annotated[
        list[str] | None, typer.Option(help="Equipment at hand (repeat); default: all.")
    ] = None,
    experience: Annotated[
        Experience, typer.Option(help="Strength-training experience (sets the adaptation).")
    ] = Experience.intermediate,
    level: Annotated[
        list[str] | None,
        typer.Option(help="Starting level of a chain, CHAIN=N (repeat), e.g. hinge=2."),
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option(help="Solver time limit in seconds (default 10).")
    ] = None,
    all_day: Annotated[bool, typer.Option(help="iCal: all-day events.")] = False,
    time: Annotated[str, typer.Option(help="iCal: session start time HH:MM.")] = "18:00",
    timezone: Annotated[str | None, typer.Option(help=TIMEZONE_HELP)] = None,
    include_training: Annotated[bool, typer.Option(help="iCal: add endurance events.")] = False,
    previous: Annotated[
        Path | None, typer.Option(help="Re-plan: the previous plan's JSON.")
    ] = None,
    today: Annotated[
        str | None, typer.Option(help="Re-plan: sessions before this day are history.")
    ] = None,
    pin: Annotated[
        list[str] | None, typer.Option(help="Re-plan: day that must hold a session.")
    ] = None,
    pin_exercises: Annotated[
        bool, typer.Option(help="Re-plan: pinned days keep their exercises too.")
    ] = False,
    block: Annotated[list[str] | None, typer.Option(help="Re-plan: day with no session.")] = None,
    done: Annotated[list[str] | None, typer.Option(help="Re-plan: past session done.")] = None,
    missed: Annotated[list[str] | None, typer.Option(help="Re-plan: past session missed.")] = None,
) -> None:
    """Plan strength sessions: a week-by-week table, or a file with --out.

    With --previous, re-plan: history before --today is kept, pins and blocks are honoured,
    and the fewest future sessions move; the JSON gains a "diff".
    """
    started = perf_counter()  # the time limit bounds the whole run, reading included
    if out is not None:
        try:
            check_out(out)
        except InputError as exc:
            raise _fail(str(exc)) from None
    if previous is not None:
        request = _replan_request(previous, today, pin, pin_exercises, block, done, missed)
        start = request.previous.start.isoformat()
        weeks = weeks or ((request.previous.end - request.previous.start).days + 1) // 7
    elif any((today, pin, block, done, missed, pin_exercises)):
        raise _fail("--today, --pin, --block, --done and --missed need --previous PLAN.json")
    else:
        request = None
    given_start = _parse_date(start, "--start")
    first = given_start or next_monday()
    if first != monday_of(first) and previous is None:
        # Plans run Monday to Sunday, in the app too: the week `--start` falls in is planned whole.
        typer.echo(
            f"--start {first} is a {first:%A}: planning from Monday {monday_of(first)}, "
            "weeks run Monday to Sunday.",
            err=True,
        )
        first = monday_of(first)
    timezone = _parse_timezone(timezone)
    try:
        cfg = load_config(config) if config else PlannerConfig()
        if time_limit is not None:
            cfg = with_time_limit(cfg, time_limit, "--time-limit")
        cat = load_catalog(catalog)
        cal = _read_calendar(calendar, None, None, first, timezone)
        options = _export_options(out, all_day, time, timezone, include_training)
    except InputError as exc:
        raise _fail(str(exc)) from None
    if given_start is None and request is None:
        first = default_start(cal)  # the calendar's first week from today on, as in the app
    horizon = weeks or default_weeks(cal, first, cfg)
    if sport is None:
        main_sport = cal.dominant_sport()
        typer.echo(
            f"Main sport: {main_sport.value} (the calendar's dominant sport; set --sport to "
            "change it).",
            err=True,
        )
    else:
        main_sport = Sport(sport.value)
    profile = AthleteProfile(
        sport=main_sport,
        equipment=equipment or [],
        experience=experience,
        start_levels=_start_levels(level or [], cat),
        timezone=timezone,
    )
    if request is not None:
        from planner.replan import replan

        result = replan(cal, cat, profile, cfg, request, started)
    else:
        result = _solve(cal, cat, profile, cfg, first, horizon, started)
    if out is not None:
        from planner.export import write_plan

        try:
            write_plan(result, out, options)
        except OSError as exc:
            raise _fail(f"{out}: cannot write the file ({exc.strerror or exc})") from None
        _echo(
            f"{result.status.value}: {len(result.sessions)} sessions, "
            f"{result.start} to {result.end} -> {out}",
            err=True,
        )
    else:
        _print_plan(result)
    if result.diff is not None:
        d = result.diff
        _echo(
            f"diff: {len(d.kept)} kept, {len(d.moved)} moved, {len(d.added)} added, "
            f"{len(d.removed)} removed",
            err=True,
        )
        for entry in d.moved:
            _echo(f"  moved {entry.previous_date} -> {entry.date}: {entry.reason}", err=True)
    for line in result.notes:
        _echo(f"note: {line}", err=True)
    if result.status in (Status.infeasible, Status.unknown):
        for line in result.conflicts:
            _echo(line, err=True)
        raise typer.Exit(EXIT_INFEASIBLE)


def _replan_request(
    previous: Path,
    today: str | None,
    pins: list[str] | None,
    pin_exercises: bool,
    blocks: list[str] | None,
    done: list[str] | None,
    missed: list[str] | None,
):
    from planner.replan import ReplanRequest, load_previous

    try:
        old = load_previous(previous)
    except InputError as exc:
        raise _fail(str(exc)) from None

    def dates(values: list[str] | None, option: str) -> list[dt.date]:
        return [_parse_date(v, option) for v in values or []]

    return ReplanRequest(
        previous=old,
        today=_parse_date(today, "--today") or clock.today(),
        pins=dates(pins, "--pin"),
        pin_exercises=pin_exercises,
        blocks=dates(blocks, "--block"),
        done=dates(done, "--done"),
        missed=dates(missed, "--missed"),
    )


def _start_levels(values: list[str], cat: Catalog) -> dict[str, int]:
    """`--level CHAIN=N` values as chain id -> level, each checked against the catalog."""
    levels: dict[str, int] = {}
    for value in values:
        chain_id, sep, number = value.partition("=")
        chain = cat.chain_by_id.get(chain_id.strip())
        known = ", ".join(c.id for c in cat.chains)
        if not sep or chain is None:
            raise _fail(f"--level '{value}': use CHAIN=N with CHAIN one of {known}")
        try:
            n = int(number)
        except ValueError:
            raise _fail(f"--level '{value}': N must be a whole number") from None
        if not 1 <= n <= len(chain.levels):
            raise _fail(f"--level '{value}': chain {chain.id} has levels 1 to {len(chain.levels)}")
        levels[chain.id] = n
    return levels


def _export_options(
    out: Path | None, all_day: bool, time: str, timezone: str | None, include_training: bool
) -> object | None:
    if out is None:
        return None
    from pydantic import ValidationError

    from planner.export import FORMATS, ExportOptions

    if out.suffix.lower() not in FORMATS:
        raise InputError(
            f"cannot write '{out.suffix}' files", where=str(out), hint="use " + ", ".join(FORMATS)
        )
    from planner.export.options import zone

    try:
        at = dt.time.fromisoformat(time)
    except ValueError:
        raise InputError(f"--time '{time}' is not a time: use HH:MM, e.g. 18:00") from None
    if at.tzinfo is not None:
        raise InputError(
            f"--time '{time}' has a UTC offset: give the local time as HH:MM "
            "and its zone with --timezone Area/City"
        )
    if timezone is not None:
        try:
            zone(timezone)
        except ValueError:
            raise InputError(
                f"--timezone '{timezone}' is not a known time zone: use an IANA Area/City name "
                "such as Europe/London or America/New_York, or UTC"
            ) from None
    try:
        return ExportOptions(
            all_day=all_day, time=at, timezone=timezone, include_training=include_training
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InputError(f"--{field.replace('_', '-')}: {message}") from None


def _solve(
    cal: Calendar,
    cat: Catalog,
    profile: AthleteProfile,
    cfg: PlannerConfig,
    start: dt.date,
    weeks: int,
    started: float | None = None,
) -> Plan:
    from planner.solve import plan_season

    return plan_season(cal, cat, profile, cfg, start=start, weeks=weeks, started=started)


def _print_plan(result: Plan) -> None:
    _echo(
        f"Plan {result.start} to {result.end}: {result.status.value}, "
        f"objective {result.objective}, {len(result.sessions)} sessions"
    )
    if result.status in (Status.infeasible, Status.unknown):
        return  # no weeks to show: the conflict follows on stderr
    by_week: dict[int, list] = {}
    for session in result.sessions:
        by_week.setdefault((session.date - result.start).days // 7, []).append(session)
    weeks = (result.end - result.start).days // 7 + 1
    for w in range(weeks):
        monday = result.start + dt.timedelta(days=7 * w)
        phase = next((p for p in result.phases if p.start <= monday <= p.end), None)
        label = f"{phase.name.value} / {phase.goal}" if phase else ""
        races = [
            e
            for e in result.events
            if e.priority and monday <= e.date < monday + dt.timedelta(days=7)
        ]
        race_text = "".join(
            f"  [{e.date:%a}: {race_title(e.title, e.priority.value)}]" for e in races
        )
        _echo()
        _echo(f"Week {w + 1} ({monday:%d %b}) {label}{race_text}")
        for s in by_week.get(w, []):
            exercises = ", ".join(_dose_text(e) for e in s.exercises)
            deload = " deload" if s.deload else ""
            _echo(f"  {s.date:%a %d %b}  {s.minutes:>3} min{deload}  {exercises}")
    for report in result.explanation.rules:
        if report.cost:
            _echo()
            _echo(f"{report.id}: cost {report.cost}")
            for line in report.violations[:10]:
                _echo(f"  - {line}")


def _dose_text(e) -> str:
    amount = f"{e.reps}" if e.reps is not None else f"{e.hold_s}s"
    side = "/side" if e.per_side else ""
    return f"{e.name} {e.sets}x{amount}{side}"


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())


from planner.season_cli import season_app  # noqa: E402 - the `season` commands, in their module

app.add_typer(season_app, name="season")
