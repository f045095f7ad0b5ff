"""The terminal side of `planner season refresh --all`: a progress bar while the run goes, then
a table of every season (failed first, with the reason) and the totals, all on stderr."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from planner.refresh import RunReport, SeasonResult, engine_for, refresh_all
from planner.terminal import printable as clean

ORDER = {"failed": 0, "held": 1, "refreshed": 2, "unchanged": 3, "done before": 4}
STYLE = {
    "failed": "red",
    "held": "yellow",
    "refreshed": "green",
    "unchanged": "",
    "done before": "dim",
}


def run(
    *,
    today: dt.date,
    scheduler: str | None,
    workers: int | None,
    run_id: str | None,
    json_out: Path | None,
) -> int:
    """Run the refresh; returns the exit status (1 when a season failed)."""
    console = Console(stderr=True)
    engine = engine_for(scheduler, workers)
    counts = dict.fromkeys(ORDER, 0)
    with Progress(
        TextColumn("refreshing seasons"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("refresh", total=None, counts="")

        def on_result(result: SeasonResult, total: int) -> None:
            counts[result.outcome] = counts.get(result.outcome, 0) + 1
            text = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
            progress.update(task, total=total, advance=1, counts=text)

        report = refresh_all(engine, today=today, run_id=run_id, on_result=on_result)
    console.print(table(report))
    console.print(summary(report))
    if json_out is not None:
        json_out.write_text(report.model_dump_json(indent=1) + "\n", encoding="utf-8")
    return 1 if report.count("failed") else 0


def table(report: RunReport) -> Table:
    grid = Table(title=f"refresh run {report.run_id}", title_justify="left")
    for column in ("season", "name", "outcome", "plan", "detail"):
        grid.add_column(column, no_wrap=column != "detail")
    for r in sorted(report.results, key=lambda r: (ORDER.get(r.outcome, 9), r.season_id)):
        detail = r.reason or r.diff
        grid.add_row(
            str(r.season_id),
            escape(clean(r.name)[:40]),
            f"[{STYLE.get(r.outcome, '')}]{r.outcome}[/]" if STYLE.get(r.outcome) else r.outcome,
            str(r.plan_number or ""),
            escape(clean(detail)),
        )
    return grid


def summary(report: RunReport) -> Table:
    done = [r for r in report.results if r.outcome != "done before"]
    cpu = sum(r.cpu_s for r in done)
    grid = Table(title="summary", title_justify="left", show_header=False)
    grid.add_column(justify="right")
    grid.add_column()
    for outcome in ORDER:
        grid.add_row(str(report.count(outcome)), outcome)
    grid.add_row(str(len(report.results)), "seasons linked by URL")
    per_min = len(done) / report.wall_s * 60 if report.wall_s and done else 0.0
    grid.add_row(f"{report.wall_s:.1f} s", f"wall, {per_min:.0f} seasons/min")
    grid.add_row(f"{cpu:.1f} s", "CPU in the tasks")
    grid.add_row(escape(report.engine), "engine" + (" (resumed run)" if report.resumed else ""))
    return grid
