"""Load benchmark: N people using the app at once, each in their own browser session.

Starts `streamlit run app.py`, opens N pages in one headless Chromium (separate contexts, so
separate sessions) and drives them concurrently through: open (demo plan), upload their own
calendar (a new plan), change a setting (a re-plan), download the iCal export. Prints the time
of every step, sessions per second and the slowest response.

    python benchmarks/bench_load.py [--sessions 10]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser_app import (  # noqa: E402
    CHROMIUM_ARGS,
    SOLVE_TIMEOUT_MS,
    calendar_ics,
    ensure_chromium,
    running_app,
)
from playwright.async_api import async_playwright  # noqa: E402

from planner.config import next_monday  # noqa: E402

STEPS = ("open", "upload", "re-plan", "export")


async def _settled(page) -> None:
    await page.wait_for_selector("[data-testid=stMetricValue]", timeout=SOLVE_TIMEOUT_MS)
    await page.wait_for_timeout(200)
    await page.wait_for_selector(
        "[data-testid=stStatusWidget]", state="detached", timeout=SOLVE_TIMEOUT_MS
    )


async def _session(browser, url: str, n: int, weeks: int) -> dict[str, float]:
    page = await (await browser.new_context(accept_downloads=True)).new_page()
    title = f"Rider{n:02d}"
    start = next_monday()
    data = calendar_ics(
        title,
        (start + dt.timedelta(days=1 + n % 5)).strftime("%Y%m%d"),
        (start + dt.timedelta(days=48 + 7 * (n % 3))).strftime("%Y%m%d"),
    )
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    await page.goto(url)
    await page.get_by_text("Demo season").first.wait_for(timeout=SOLVE_TIMEOUT_MS)
    await _settled(page)
    times["open"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    await page.locator("input[type=file]").set_input_files(
        files=[{"name": f"{title}.ics", "mimeType": "text/calendar", "buffer": data}]
    )
    await page.get_by_text(f"{title} intervals").first.wait_for(timeout=SOLVE_TIMEOUT_MS)
    await _settled(page)
    times["upload"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    box = page.get_by_role("spinbutton", name="Weeks", exact=True)
    await box.fill(str(weeks))
    await box.press("Tab")
    await page.get_by_role("button", name="Update plan").first.click()
    await page.get_by_text(f"{weeks} weeks · ").first.wait_for(timeout=SOLVE_TIMEOUT_MS)
    await _settled(page)
    times["re-plan"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    await page.get_by_role("tab", name="Export").click()
    async with page.expect_download(timeout=SOLVE_TIMEOUT_MS) as download_info:
        await page.get_by_role("button", name="Download iCal").click()
    download = await download_info.value
    path = await download.path()
    assert path is not None and Path(path).read_bytes().startswith(b"BEGIN:VCALENDAR")
    times["export"] = time.perf_counter() - t0
    if await page.locator("[data-testid=stException]").count():
        raise RuntimeError(f"session {n}: the page shows an exception")
    await page.context.close()
    return times


async def _run(sessions: int, weeks: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, running_app(Path(tmp) / "server.log") as url:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(ensure_chromium()), args=CHROMIUM_ARGS
            )
            started = time.perf_counter()
            results = await asyncio.gather(
                *(_session(browser, url, n, weeks) for n in range(sessions)),
                return_exceptions=True,
            )
            wall = time.perf_counter() - started
            await browser.close()
    errors = [r for r in results if isinstance(r, BaseException)]
    done = [r for r in results if not isinstance(r, BaseException)]
    print(f"load benchmark: {sessions} concurrent sessions, {weeks}-week re-plan")
    print(f"  completed {len(done)}/{sessions}, errors {len(errors)}")
    for error in errors:
        print(f"  error: {error!r}"[:300])
    for step in STEPS:
        values = [r[step] for r in done]
        if values:
            print(
                f"  {step:>8}: median {statistics.median(values):6.2f} s, "
                f"slowest {max(values):6.2f} s"
            )
    slowest = max((max(r.values()) for r in done), default=float("nan"))
    print(
        f"  wall {wall:.1f} s, {len(done) / wall:.2f} sessions/s, slowest response {slowest:.2f} s"
    )
    if errors:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(_run(args.sessions, args.weeks))


if __name__ == "__main__":
    main()
