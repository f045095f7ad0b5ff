"""A new visitor's first page: navigation -> the plan's figures and this week's cards on screen.

Starts `streamlit run app.py` (its warm-up solves the demo plan as the server starts), waits for
that plan, then opens the page afresh in Debian's Chromium, on a 1440x900 desktop and on a
390x844 touch phone, each in a new browser context (no cache: a first visit). Every animation
frame, a script in the page and in the board's frame stamps when

- the plan's figures show (the "Strength sessions" metric's value),
- the board shows its first card of this week (FullCalendar's cards, in the board's frame),
- the last grey placeholder (an element whose code is still loading) goes,

as milliseconds since navigation started. A saved season's private link is timed the same way.
Figures are wall time: read them with the load average printed beside them.

    PYTHONPATH=. python benchmarks/bench_first_visit.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from browser_app import (  # noqa: E402
    CHROMIUM_ARGS,
    SOLVE_TIMEOUT_MS,
    ensure_chromium,
    running_app,
    settled,
)

READY = "demo plan ready for new sessions"
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36"
)
# Runs in the page (its frames are same-origin): stamps its figures, its placeholders and the
# board frame's first card.
STAMPS = """(() => {
  if (window !== window.top) return;
  const now = () => performance.now();
  const s = window.__first = {figures: null, cards: null, skeletonSeen: false, skeletonGone: null};
  const check = () => {
    const metric = [...document.querySelectorAll("[data-testid=stMetric]")]
      .find(m => m.textContent.includes("Strength sessions"));
    if (s.figures === null && metric && metric.querySelector("[data-testid=stMetricValue]"))
      s.figures = now();
    const frame = document.querySelector("iframe[title='streamlit_calendar.calendar']");
    const doc = frame && frame.contentDocument;
    if (s.cards === null && doc && doc.querySelector(".fc .fc-event:not(.fc-bg-event)"))
      s.cards = now();
    const skeleton = document.querySelector("[data-testid=stSkeleton]");
    if (skeleton) s.skeletonSeen = true;
    if (s.skeletonSeen && !skeleton && s.skeletonGone === null) s.skeletonGone = now();
    if (s.figures === null || s.cards === null || (s.skeletonSeen && s.skeletonGone === null))
      requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();"""


SCRIPT_BYTES = """() => {
  const docs = [document, ...[...document.querySelectorAll("iframe")].map(f => f.contentDocument)];
  let bytes = 0;
  for (const doc of docs.filter(Boolean)) {
    for (const r of doc.defaultView.performance.getEntriesByType("resource"))
      if (r.name.endsWith(".js")) bytes += r.decodedBodySize;
  }
  return bytes;
}"""


def visit(browser, url: str, phone: bool) -> dict[str, float | None]:
    """One first visit; the stamps in ms since navigation started."""
    options = (
        {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "user_agent": PHONE_UA}
        if phone
        else {"viewport": {"width": 1440, "height": 900}}
    )  # fmt: skip
    context = browser.new_context(**options)
    context.add_init_script(STAMPS)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.goto(url)
    settled(page)
    page.wait_for_function(
        "() => window.__first && window.__first.cards !== null", timeout=SOLVE_TIMEOUT_MS
    )
    page.wait_for_timeout(300)
    stamps = page.evaluate("() => window.__first")
    # CPU the page's main thread spent (less at the mercy of the load than wall time), and
    # the script it fetched, board frame included
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    script_kb = page.evaluate(SCRIPT_BYTES) / 1024
    context.close()
    return {
        "figures": stamps["figures"],
        "cards": stamps["cards"],
        "placeholders gone": stamps["skeletonGone"] if stamps["skeletonSeen"] else 0.0,
        "main thread CPU": metrics.get("TaskDuration", 0.0) * 1000,
        "script KB": script_kb,
    }


def saved_link(url: str) -> str:
    """A saved season of the demo calendar, made with the CLI's own code; its private link."""
    from planner import seasons
    from planner.config import PlannerConfig, next_monday
    from planner.domain import AthleteProfile
    from planner.store import open_store

    source = seasons.source_from(str(ROOT / "planner" / "data" / "demo_season.ics"))
    token, _ = seasons.create(
        open_store(),
        source,
        name="bench",
        profile=AthleteProfile(),
        config=PlannerConfig(),
        start=next_monday(),
        weeks=20,
    )
    return f"{url}/?season={token}"


def unit(key: str) -> str:
    return "KB" if key.endswith("KB") else "ms"


def report(name: str, runs: list[dict[str, float | None]]) -> None:
    for key in runs[0]:
        values = [r[key] for r in runs if r[key] is not None]
        if values:
            print(
                f"  {name:<13} {key:<18} median {statistics.median(values):6.0f} {unit(key)}"
                f"  (runs: {', '.join(f'{v:.0f}' for v in values)})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"load average before: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    workdir = Path(tempfile.mkdtemp())
    os.environ["PLANNER_DATABASE_URL"] = f"sqlite:///{workdir / 'seasons.sqlite3'}"
    log = workdir / "server.log"
    with running_app(log) as url, sync_playwright() as playwright:
        deadline = time.monotonic() + 180
        while READY not in log.read_text(errors="replace") and time.monotonic() < deadline:
            time.sleep(0.2)
        browser = playwright.chromium.launch(
            executable_path=str(ensure_chromium()), args=CHROMIUM_ARGS
        )
        link = saved_link(url)
        visit(browser, url, phone=False)  # the server's first page run imports the page's code
        results = {
            "desktop": [visit(browser, url, phone=False) for _ in range(args.rounds)],
            "phone": [visit(browser, url, phone=True) for _ in range(args.rounds)],
            "saved season": [visit(browser, link, phone=False) for _ in range(args.rounds)],
        }
        browser.close()
    print("first visit: ms from navigation start, main-thread CPU ms, script KB (medians):")
    for name, runs in results.items():
        report(name, runs)
    print(f"load average after: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
