"""A headless Streamlit client: speaks the app's websocket protocol to a real `streamlit run`
server, like the browser does, without rendering anything.

The load benchmark (`benchmarks/bench_load.py`) and `tests/test_load.py` use it to put N real
sessions on the server at once. The browser's own work (layout, charts) happens on the athlete's
machine, so leaving it out measures what the server holds. It does what the frontend does for
the steps we need: a rerun carries the changed widget values (the server keeps the others) and
the fragment the widget sits in, a button press is a trigger value, a file upload is an HTTP PUT
to the session's upload URL followed by the uploader's new state, and a download is a GET of
the button's media URL.
"""

from __future__ import annotations

import asyncio
import csv
import io
import random
import time
import urllib.request
import uuid
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any, TypeVar

import requests
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Common_pb2 import FileUploaderState, FileURLs, UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

from planner.config import next_monday
from planner.synthetic import synthetic_season
from planner.ui import state
from planner.ui.fields import field_key
from planner.ui.text import md_escape

XSRF_COOKIE = "_streamlit_xsrf"
DONE = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
FRAGMENT_DONE = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_FRAGMENT_RUN_SUCCESSFULLY")
RUN_TIMEOUT_S = 120.0

T = TypeVar("T")


def run_apart(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` in a thread of its own: Playwright's sync API (the browser tests) leaves an
    event loop running in the main thread, where `asyncio.run` refuses to start another."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


class AppError(RuntimeError):
    """The page showed an exception or the app's own error."""


@dataclass
class Page:
    """The elements on the page, by widget key (keyed widgets) and in order of the last run.

    `fragments` maps a widget key to the fragment that drew it: a change to such a widget
    reruns only that fragment, as the browser asks.
    """

    widgets: dict[str, tuple[str, Any]] = field(default_factory=dict)
    fragments: dict[str, str] = field(default_factory=dict)
    elements: list[tuple[str, Any]] = field(default_factory=list)

    def add(self, kind: str, proto: Any, fragment_id: str) -> None:
        self.elements.append((kind, proto))
        widget_id = getattr(proto, "id", "")
        if widget_id.startswith("$$ID-"):
            key = widget_id.split("-", 2)[2]  # "$$ID-<hash>-<user key>"
            self.widgets[key] = (kind, proto)
            self.fragments[key] = fragment_id

    def widget(self, key: str) -> Any:
        try:
            return self.widgets[key][1]
        except KeyError:
            raise KeyError(f"no widget with key {key!r} on the page") from None

    def fragment_run(self) -> Page:
        """The page a fragment run starts from: everything else stays on screen."""
        return Page(dict(self.widgets), dict(self.fragments), [])

    def texts(self) -> str:
        parts = []
        for kind, proto in self.elements:
            if kind in ("markdown", "alert", "heading", "text"):
                parts.append(getattr(proto, "body", "") or getattr(proto, "text", ""))
        return "\n".join(parts)

    def errors(self) -> list[str]:
        found = []
        for kind, proto in self.elements:
            if kind == "exception":
                found.append(f"exception: {proto.type}: {proto.message}")
            elif kind == "alert" and "Something went wrong" in proto.body:
                found.append(f"app error: {proto.body}")
        return found


class Client:
    """One browser session on the server at `url`."""

    def __init__(self, url: str, query: str = "") -> None:
        self.url = url
        self.query = query  # the page's query string, e.g. "season=TOKEN"
        self.session_id = ""
        self.page = Page()
        self._ws: Any = None
        self._xsrf = ""
        # Every cookie the server set, sent back as a browser does: behind a reverse proxy its
        # sticky-session cookie keeps the websocket, uploads and downloads on one replica.
        self.cookies: dict[str, str] = {}
        self._page_hash = ""

    async def open(self) -> float:
        """Load the page: cookie, websocket, first run. Returns the seconds it took."""
        started = time.perf_counter()
        self._xsrf = await asyncio.to_thread(self._fetch_xsrf_cookie)
        host = self.url.split("://", 1)[1]
        self._ws = await websockets.connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=["streamlit", self._xsrf],
            origin=self.url,
            additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
            max_size=None,
        )
        await self._rerun([])
        return time.perf_counter() - started

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    def _fetch_xsrf_cookie(self) -> str:
        # The frontend polls the health endpoint first; its answer sets the XSRF cookie.
        with urllib.request.urlopen(self.url + "/_stcore/health", timeout=30) as response:
            cookies = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookies.load(header)
        if XSRF_COOKIE not in cookies:
            raise AppError("the server set no XSRF cookie")
        self.cookies = {name: morsel.value for name, morsel in cookies.items()}
        return cookies[XSRF_COOKIE].value

    # ------------------------------------------------------------------------------- widgets

    async def set_number(self, key: str, value: float, *, submit: str | None = None) -> float:
        """Set a number input (and press a form's submit button); seconds until the page is done."""
        states = [WidgetState(id=self.page.widget(key).id, double_value=float(value))]
        if submit is not None:
            states.append(WidgetState(id=self.page.widget(submit).id, trigger_value=True))
        return await self._timed(states, self.page.fragments[key])

    async def toggle(self, key: str, on: bool) -> float:
        """Switch a toggle (or checkbox) on or off; seconds until the page is done."""
        state = WidgetState(id=self.page.widget(key).id, bool_value=on)
        return await self._timed([state], self.page.fragments[key])

    async def select(self, key: str, label: str) -> float:
        state = WidgetState(id=self.page.widget(key).id, string_value=label)
        return await self._timed([state], self.page.fragments[key])

    async def click(self, key: str) -> float:
        state = WidgetState(id=self.page.widget(key).id, trigger_value=True)
        return await self._timed([state], self.page.fragments[key])

    async def press(self, key: str, *, wait_for_start: bool = False) -> None:
        """Press a button and return without waiting for the run it starts to finish; with
        `wait_for_start`, once the server has started that run (before its callbacks)."""
        state = WidgetState(id=self.page.widget(key).id, trigger_value=True)
        await self._ws.send(self._rerun_message([state], self.page.fragments[key]))
        if wait_for_start:
            await asyncio.wait_for(self._until_started(), RUN_TIMEOUT_S)

    async def _until_started(self) -> None:
        """Read until the next run's new_session message, sent when a run (or a fragment's
        run) starts, before it runs any callback or line of the script."""
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self._ws.recv())
            if msg.WhichOneof("type") == "new_session":
                return

    async def upload(self, key: str, name: str, data: bytes, mime: str) -> float:
        """Upload a file to the uploader `key`, as the frontend does; seconds until re-run done."""
        started = time.perf_counter()
        file_id = str(uuid.uuid4())
        path = f"/_stcore/upload_file/{self.session_id}/{file_id}"
        await asyncio.to_thread(self._put, path, name, data, mime)
        info = UploadedFileInfo(
            name=name,
            size=len(data),
            file_id=file_id,
            file_urls=FileURLs(file_id=file_id, upload_url=path, delete_url=path),
        )
        state = WidgetState(
            id=self.page.widget(key).id,
            file_uploader_state_value=FileUploaderState(uploaded_file_info=[info]),
        )
        await self._rerun([state], self.page.fragments[key])
        return time.perf_counter() - started

    def _put(self, path: str, name: str, data: bytes, mime: str) -> None:
        response = requests.put(
            self.url + path,
            files={"file": (name, data, mime)},
            headers={"X-Xsrftoken": self._xsrf, "Origin": self.url},
            cookies=self.cookies,
            timeout=60,
        )
        if response.status_code != 204:
            raise AppError(f"upload refused: HTTP {response.status_code} {response.text[:200]}")

    async def download(self, key: str) -> bytes:
        """The bytes behind a download button (a GET of its media URL)."""
        url = self.page.widget(key).url
        if not url:
            raise AppError(f"download button {key!r} has no file")
        return await asyncio.to_thread(self._get, url)

    def _get(self, path: str) -> bytes:
        response = requests.get(self.url + path, cookies=self.cookies, timeout=60)
        if response.status_code != 200:
            raise AppError(f"GET {path}: HTTP {response.status_code} {response.text[:100]}")
        return response.content

    # ----------------------------------------------------------------------------- protocol

    async def _timed(self, states: list[WidgetState], fragment_id: str = "") -> float:
        started = time.perf_counter()
        await self._rerun(states, fragment_id)
        return time.perf_counter() - started

    async def _rerun(self, states: list[WidgetState], fragment_id: str = "") -> None:
        """Ask for a run (of one fragment when the widget sits in one) and wait for its end."""
        await self._ws.send(self._rerun_message(states, fragment_id))
        await asyncio.wait_for(self._until_finished(fragment_id), RUN_TIMEOUT_S)
        errors = self.page.errors()
        if errors:
            raise AppError("; ".join(errors)[:500])

    def _rerun_message(self, states: list[WidgetState], fragment_id: str) -> bytes:
        message = BackMsg(
            rerun_script=ClientState(
                query_string=self.query,
                page_script_hash=self._page_hash,
                widget_states=WidgetStates(widgets=states),
                fragment_id=fragment_id,
            )
        )
        return message.SerializeToString()

    async def _until_finished(self, fragment_id: str) -> None:
        """Read the run's messages; a run that ends early for a rerun is followed by another,
        and a fragment may ask for a full run (new_session starts a fresh page)."""
        page = self.page.fragment_run() if fragment_id else Page()
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self._ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.session_id = msg.new_session.initialize.session_id or self.session_id
                self._page_hash = msg.new_session.page_script_hash
                page = Page()
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                element_kind = element.WhichOneof("type")
                page.add(element_kind, getattr(element, element_kind), msg.delta.fragment_id)
            elif kind == "delta" and msg.delta.WhichOneof("type") == "add_block":
                block = msg.delta.add_block
                if block.WhichOneof("type") == "tab_container":  # keyed tabs are a widget
                    page.add("tab_container", block.tab_container, msg.delta.fragment_id)
            elif kind == "script_finished" and msg.script_finished in (DONE, FRAGMENT_DONE):
                self.page = page
                return


# ------------------------------------------------------------------ one athlete's visit

KNOB = field_key("availability", "max_session_minutes")
PROTOCOL_STEPS = ("open", "upload", "tweak", "pick day", "block", "re-plan", "export")
PROTOCOL_SOLVING = ("upload", "tweak", "re-plan")  # the steps that plan anew


def season_csv(seed: int, weeks: int) -> bytes:
    """A different athlete's season per seed, as the simple CSV the app documents."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "title", "sport", "kind", "priority", "duration_min"])
    for e in synthetic_season(next_monday(), weeks, seed=seed).events:
        priority = e.priority.value if e.priority else ""
        row = [e.date.isoformat(), e.title, e.sport.value, e.kind.value, priority, e.duration_min]
        writer.writerow(row)
    return out.getvalue().encode()


# Cumulative CPU seconds of the server, e.g. (its own process, its worker processes).
Meter = Callable[[], tuple[float, ...]]


async def athlete_session(
    url: str,
    n: int,
    weeks: int,
    think_s: float,
    meter: Meter | None = None,
    cpu: dict[str, tuple[float, ...]] | None = None,
) -> dict[str, float]:
    """Athlete `n`: open, upload their own season, show all rules and tweak one, block their
    next session's day, re-plan, open the Export tab, set a reminder and download the iCal.
    Returns each step's seconds; raises when a page shows an error or another athlete's data.

    With `meter`, each step's CPU (the meter's reading after the step less the one before) goes
    into `cpu` by step name: exact when this is the only session on the server."""
    rng = random.Random(n)
    client = Client(url)
    times: dict[str, float] = {}
    spent = cpu if cpu is not None else {}
    before: tuple[float, ...] = ()

    def metered(name: str) -> None:
        nonlocal before
        if meter is None:
            return
        now = meter()
        if name:
            spent[name] = tuple(b - a for a, b in zip(before, now, strict=True))
        before = now

    async def step(name: str, seconds) -> None:
        metered("")
        times[name] = await seconds
        metered(name)
        if think_s:
            await asyncio.sleep(rng.uniform(0, 2 * think_s))

    try:
        await step("open", client.open())
        title = f"rider{n:02d}.csv"
        await step("upload", client.upload(state.UPLOAD, title, season_csv(n, weeks), "text/csv"))
        if f"Your file: {md_escape(title)}" not in client.page.texts():
            raise RuntimeError(f"session {n}: the page does not name the uploaded {title}")
        if weeks != state.DEFAULT_WEEKS:
            await client.set_number(state.WEEKS, weeks, submit="submit")
        # The sidebar lists only changed rules; like a user, switch on "Show all rules" to reach
        # one at its default (not timed: it plans nothing).
        await client.toggle(state.SHOW_ALL_RULES, True)
        await step("tweak", client.set_number(KNOB, 40 + n % 30, submit="submit"))
        day = next(o for o in client.page.widget(state.DAY).options if "· strength" in o)
        await step("pick day", client.select(state.DAY, day))
        await step("block", client.click("mark_block"))
        await step("re-plan", client.click("replan"))
        page = client.page.texts()
        if "This re-plan is not possible" in page:  # e.g. no plan within the time limit
            reason = page.split("This re-plan is not possible", 1)[1][:300]
            raise RuntimeError(f"session {n}: the re-plan found no plan{reason}")
        moved = [o for o in client.page.widget(state.DAY).options if o.startswith(day[:15])]
        if not moved:
            raise RuntimeError(f"session {n}: the re-planned page has no day {day[:15]}")
        if moved != [day[:15]]:
            raise RuntimeError(f"session {n}: the re-plan kept a session on blocked {day[:15]}")
        metered("")
        started = time.perf_counter()
        # the files are made while the Export tab is open, as a click on the tab does
        await client.select(state.MAIN_TAB, state.TABS[-1])
        await client.set_number("export_reminder", 30)
        ical = await client.download("download_ical")
        times["export"] = time.perf_counter() - started
        metered("export")
        if not ical.startswith(b"BEGIN:VCALENDAR") or b"TRIGGER:-PT30M" not in ical:
            raise RuntimeError(f"session {n}: the iCal download is not the plan with reminders")
        if f"Your file: {md_escape(title)}" not in client.page.texts():
            raise RuntimeError(f"session {n}: the page no longer shows this athlete's file")
        # The link on the page must still work a while later, while others keep the server busy.
        await asyncio.sleep(rng.uniform(0.5, 1 + 2 * think_s))
        if await client.download("download_ical") != ical:
            raise RuntimeError(f"session {n}: a later iCal download differs from the first")
    finally:
        await client.close()
    return times
