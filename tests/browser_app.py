"""Running the app for real-browser tests and the load benchmark: Debian's chromium (installed
with apt-get when missing), `streamlit run app.py` on a free port, and a wait for a finished run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# As root in a closed network: no sandbox, and no background connections that would be refused.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
STARTUP_S = 60
SOLVE_TIMEOUT_MS = 90_000
# The frontend's own flag for "no script run in progress": the status widget can lag behind a
# starved page, and a button drawn by the previous run may point to a file already released.
SCRIPT_DONE = "[data-testid=stApp][data-test-script-state=notRunning]"


class ChromiumUnavailable(RuntimeError):
    pass


def ensure_chromium() -> Path:
    """Debian's chromium, installed with apt-get when missing (the tests run as root)."""
    if not CHROMIUM.exists():
        if shutil.which("apt-get") is None:
            raise ChromiumUnavailable("chromium is missing and apt-get is not available")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "chromium"], check=True, env=env)
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on {url} within {STARTUP_S} s")


@contextlib.contextmanager
def app_server(
    log: Path, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`streamlit run app.py` on a free loopback port (with `env` added to the environment);
    yields its URL and process (the load benchmark reads its CPU time), stops it afterwards."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def running_app(log: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run app.py` on a free loopback port; yields its URL, stops it afterwards."""
    with app_server(log, env) as (url, _process):
        yield url


def calendar_ics(title: str, start_yyyymmdd: str, race_yyyymmdd: str) -> bytes:
    """A small calendar: a weekly hard session titled `title` and an A race."""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:{title.replace(' ', '-')}@test\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;VALUE=DATE:{start_yyyymmdd}\r\nRRULE:FREQ=WEEKLY;COUNT=12\r\n"
        f"SUMMARY:{title} intervals\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:race@test\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;VALUE=DATE:{race_yyyymmdd}\r\nSUMMARY:{title} gran fondo (A)\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    ).encode()


def settled(page) -> None:
    """Until the plan metrics are on the page and no script run is in progress (sync API)."""
    # visible ones: a phone folds the calendar's own figures away (planner/ui/phone.py)
    page.wait_for_selector("[data-testid=stMetricValue] >> visible=true", timeout=SOLVE_TIMEOUT_MS)
    page.wait_for_timeout(300)
    page.wait_for_selector(
        "[data-testid=stStatusWidget]", state="detached", timeout=SOLVE_TIMEOUT_MS
    )
    page.wait_for_selector(SCRIPT_DONE, timeout=SOLVE_TIMEOUT_MS)


# ----------------------------------------------------------------------------- the calendar board

BOARD = "iframe[title='streamlit_calendar.calendar']"  # the FullCalendar component's frame
DATES_OF = "els => els.map(e => e.closest('td[data-date]').dataset.date)"


def board(page):
    """The calendar board's frame (FullCalendar through streamlit-calendar)."""
    return page.frame_locator(BOARD)


def wait_for_board(page) -> None:
    board(page).locator(".fc-daygrid-body").first.wait_for(timeout=SOLVE_TIMEOUT_MS)


def strength_dates(page) -> list[str]:
    """Days (ISO) of the strength cards that can be dragged, in date order."""
    return sorted(board(page).locator(".strength.fc-event-draggable").evaluate_all(DATES_OF))


def pick_move(page, avoid: set[str] | frozenset[str] = frozenset()) -> tuple[str, str]:
    """A coming strength session and the free day after it, away from races (the rules may
    still move a neighbour: that is part of what the diff shows)."""
    taken = set(board(page).locator(".strength").evaluate_all(DATES_OF))
    races = {dt.date.fromisoformat(d) for d in board(page).locator(".race").evaluate_all(DATES_OF)}
    for iso in strength_dates(page):
        if iso in avoid:
            continue
        target = dt.date.fromisoformat(iso) + dt.timedelta(days=1)
        near_race = any(0 <= (race - target).days <= 2 for race in races)
        if target.isoformat() not in taken and not near_race:
            return iso, target.isoformat()
    raise AssertionError("no strength card with a free day after it")


def drag_card(page, from_iso: str, to_iso: str) -> None:
    """Drag the strength card of `from_iso` onto the day `to_iso` with the mouse, as a person
    does (FullCalendar starts a drag after a few pixels of movement)."""
    frame = board(page)
    card = frame.locator(f"td[data-date='{from_iso}'] .strength").first
    cell = frame.locator(f"td[data-date='{to_iso}']")
    # both days in view: the target may sit in the next week row, below the board's fold
    cell.evaluate("el => el.scrollIntoView({block: 'center'})")
    card.scroll_into_view_if_needed()
    start, end = card.bounding_box(), cell.bounding_box()
    assert start is not None and end is not None
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 6, y + 6, steps=3)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] * 0.75, steps=12)
    page.mouse.up()


def card_on(page, iso: str, kind: str = "strength"):
    return board(page).locator(f"td[data-date='{iso}'] .{kind}")
