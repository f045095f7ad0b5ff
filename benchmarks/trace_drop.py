"""Where the time of one drop goes: browser before sending, server page run, browser after.

`bench_app.py` times a drop as a whole (mouse release -> the move's diff and the card on its new
day). This splits the same drop, in `streamlit run app.py` and Debian's Chromium, into:

- mouse release -> the page's websocket sends the component value (FullCalendar's drop, the
  component -> Streamlit message);
- the server's page run ("page run N s" in the server log, written by app.py);
- what the browser's main thread did meanwhile: its long tasks (>50 ms), each said to be the
  page's own (Streamlit's React) or the board frame's (FullCalendar), and a CPU profile's self
  time per script file (main.*.js is FullCalendar, react-dom/emotion/StreamlitMarkdown are
  Streamlit's frontend, "(program)" is style, layout and paint).

The websocket frame times come from the renderer, so they lag while its main thread is busy;
read them as "handled by", not "arrived at". Playwright's own polling (elementText, query,
checkVisibility) shows in the profile too.

    PYTHONPATH=. python benchmarks/trace_drop.py [--rounds 3] [--weeks 16]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from browser_app import (  # noqa: E402
    CHROMIUM_ARGS,
    SCRIPT_DONE,
    card_on,
    drag_card,
    ensure_chromium,
    pick_move,
    running_app,
    settled,
    wait_for_board,
)

PAGE_RUN = re.compile(r"^(\S+ \S+) .*page run ([\d.]+) s$", re.MULTILINE)
WATCH_LONG_TASKS = """() => {
  window.__longTasks = [];
  if (window.__longTaskObserver) return;
  window.__longTaskObserver = new PerformanceObserver(list => {
    for (const e of list.getEntries()) {
      const where = e.attribution.map(a => a.containerType).join(",") || e.name;
      window.__longTasks.push([performance.timeOrigin + e.startTime, e.duration, e.name, where]);
    }
  });
  window.__longTaskObserver.observe({type: "longtask"});
}"""


# Checked on every animation frame in the page: when the move's diff is first on the page and
# when the run is first seen finished after it. Playwright's own waits poll at 0, 20, 50, 100,
# 100 ms and then every 500 ms, so a wait that starts at the release and is not met within
# ~0.3 s sees the page up to 0.5 s late; these stamps are what the page showed, to a frame.
WATCH_PAGE = """text => {
  const app = document.querySelector("[data-testid=stApp]");
  const stamps = window.__dropStamps = {diff: null, done: null, running: false};
  const check = () => {
    const now = performance.timeOrigin + performance.now();
    if (app.dataset.testScriptState === "running") stamps.running = true;
    if (stamps.diff === null && document.body.textContent.includes(text)) stamps.diff = now;
    if (stamps.diff !== null && stamps.running && stamps.done === null
        && app.dataset.testScriptState === "notRunning") stamps.done = now;
    if (stamps.done === null) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}"""


def self_time_by_file(profile: dict[str, Any]) -> collections.Counter[str]:
    """Milliseconds of CPU per script file (or V8 category) in a CDP CPU profile."""
    nodes = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    spent: collections.Counter[str] = collections.Counter()
    for sample, micros in zip(profile["samples"], profile["timeDeltas"], strict=False):
        frame = nodes[sample]
        spent[frame["url"].rsplit("/", 1)[-1] or frame["functionName"] or "(native)"] += micros
    return collections.Counter({k: v / 1000 for k, v in spent.items()})


def page_runs(log: Path, since: float) -> list[tuple[float, float]]:
    """(start, seconds) of each page run logged after `since` (epoch seconds)."""
    runs = []
    for stamp, seconds in PAGE_RUN.findall(log.read_text(errors="replace")):
        ended = dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()
        if ended >= since:
            runs.append((ended - float(seconds), float(seconds)))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--weeks", type=int, default=16)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"load average before: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    log = Path(tempfile.mkdtemp()) / "server.log"
    totals: dict[str, list[float]] = collections.defaultdict(list)
    with running_app(log) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(ensure_chromium()), args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        sent: list[float] = []
        page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(time.time())))
        page.goto(url)
        settled(page)
        weeks_box = page.get_by_role("spinbutton", name="Weeks", exact=True)
        weeks_box.fill(str(args.weeks))
        weeks_box.press("Tab")
        page.get_by_role("button", name="Update plan").first.click()
        page.get_by_text(f"{args.weeks} weeks · ", exact=False).wait_for(timeout=120_000)
        settled(page)
        wait_for_board(page)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 200})
        tried: set[str] = set()
        for number in range(args.rounds):
            old, new = pick_move(page, avoid=tried)
            tried.add(old)
            moved = page.get_by_text(re.compile(f"^Moved {dt.date.fromisoformat(old):%a %d %b}"))
            page.evaluate(WATCH_LONG_TASKS)
            page.evaluate(WATCH_PAGE, f"Moved {dt.date.fromisoformat(old):%a %d %b}")
            sent.clear()
            cdp.send("Profiler.start")
            drag_card(page, old, new)
            released = time.time()
            moved.first.wait_for(timeout=120_000)
            page.wait_for_selector(SCRIPT_DONE, timeout=120_000)
            card_on(page, new).first.wait_for(timeout=120_000)
            done = time.time() - released
            profile = cdp.send("Profiler.stop")["profile"]
            stamps = page.evaluate("() => window.__dropStamps")
            seen = (stamps["done"] or float("nan")) / 1000 - released
            diff_seen = (stamps["diff"] or float("nan")) / 1000 - released
            time.sleep(0.5)  # a second run, if the drop caused one, would start by now
            runs = page_runs(log, released)
            run_start, run_seconds = runs[0] if runs else (released, float("nan"))
            first_sent = (sent[0] - released) if sent else float("nan")
            print(f"drop {number + 1}: {old} -> {new}: updated calendar and diff {done:.3f} s")
            print(f"  in the page: diff shown   +{diff_seen:.3f} s, run finished +{seen:.3f} s")
            print(f"  component value sent      +{first_sent:.3f} s")
            print(f"  page runs for this drop   {len(runs)}")
            after = done - (run_start - released) - run_seconds
            print(f"  server page run           +{run_start - released:.3f} s, {run_seconds:.3f} s")
            print(f"  browser after the run     {after:.3f} s")
            for start, length, _name, where in page.evaluate("() => window.__longTasks"):
                if start / 1000 < released:
                    continue  # before the drop: the page settling after the last undo
                owner = "board frame" if "iframe" in where else "page"
                print(f"  long task +{start / 1000 - released:.3f} s {length / 1000:.3f} s {owner}")
            spent = self_time_by_file(profile)
            top = ", ".join(f"{k} {v:.0f}" for k, v in spent.most_common(9) if k != "(idle)")
            print(f"  main-thread CPU ms: {top}")
            totals["drop"].append(done)
            totals["in page"].append(seen)
            totals["sent"].append(first_sent)
            totals["run"].append(run_seconds)
            totals["after"].append(after)
            # streamlit-calendar's bundle, main.<hash>.js: FullCalendar's own JavaScript
            totals["board ms"].append(sum(v for k, v in spent.items() if k.startswith("main.")))
            page.get_by_role("button", name="Undo").click()
            moved.wait_for(state="detached", timeout=120_000)
            page.wait_for_selector(SCRIPT_DONE, timeout=120_000)
            card_on(page, old).first.wait_for(timeout=120_000)
        browser.close()
    print("medians:")
    for name, values in totals.items():
        print(f"  {name:8s} {statistics.median(values):.3f}")
    print(f"load average after: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
