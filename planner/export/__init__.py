"""Plan exports: iCalendar for the phone, CSV for spreadsheets, JSON for tools.

`FORMATS` maps a file extension to its format so the CLI and the app can list and pick them;
`write_plan` picks the format from the path's extension.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from planner.export.csv_export import export_csv
from planner.export.ical import export_ical
from planner.export.options import ExportOptions
from planner.plan import Plan


def export_json(plan: Plan) -> str:
    """The plan's JSON contract, indented."""
    return plan.model_dump_json(indent=2)


class Format(NamedTuple):
    """One export format: what to call it, its media type and how to render a plan."""

    label: str
    media_type: str
    render: Callable[[Plan, ExportOptions, str | None], bytes]  # plan, options, UID scope


def _ical_bytes(plan: Plan, options: ExportOptions, uid_scope: str | None) -> bytes:
    return export_ical(plan, options, uid_scope=uid_scope)


def _csv_bytes(plan: Plan, options: ExportOptions, uid_scope: str | None) -> bytes:
    # With a byte-order mark so Excel reads accents as UTF-8; other readers skip it.
    return export_csv(plan).encode("utf-8-sig")


def _json_bytes(plan: Plan, options: ExportOptions, uid_scope: str | None) -> bytes:
    return export_json(plan).encode("utf-8")


FORMATS: dict[str, Format] = {
    ".ics": Format("iCalendar (phone calendar)", "text/calendar", _ical_bytes),
    ".csv": Format("CSV (spreadsheet)", "text/csv", _csv_bytes),
    ".json": Format("JSON (plan data)", "application/json", _json_bytes),
}


def write_plan(
    plan: Plan, path: Path, options: ExportOptions | None = None, *, uid_scope: str | None = None
) -> None:
    """Write the plan to `path` in the format its extension names (.ics, .csv or .json);
    `uid_scope` is a saved season's, for its iCal UIDs (see `export_ical`)."""
    path = Path(path)
    export_format = FORMATS.get(path.suffix.lower())
    if export_format is None:
        known = ", ".join(FORMATS)
        given = f"'{path.suffix}'" if path.suffix else "no extension"
        raise ValueError(f"cannot export to {path.name}: {given}; use one of {known}")
    path.write_bytes(export_format.render(plan, options or ExportOptions(), uid_scope))


__all__ = [
    "FORMATS",
    "ExportOptions",
    "Format",
    "export_csv",
    "export_ical",
    "export_json",
    "write_plan",
]
