"""Issue 13 papercuts as a person sees them in a real Chromium: the status metric not cut, a
short sidebar, a visible sign that the plan is stale, and a Why table that ends at its last row.
"""

from __future__ import annotations

import re

import pytest
from browser_app import SOLVE_TIMEOUT_MS, settled

playwright_sync = pytest.importorskip("playwright.sync_api")

DESKTOP = {"width": 1440, "height": 900}
BANNER = "#plan-stale-banner"


def open_app(browser, app_url: str):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(app_url)
    settled(page)
    return page


def test_plan_metric_shows_the_whole_status(app_url, browser) -> None:
    page = open_app(browser, app_url)
    metrics = page.locator("[data-testid=stMetric]")
    plan = metrics.filter(has_text="Plan").first
    assert plan.locator("[data-testid=stMetricValue]").inner_text() in ("Optimal", "Good")
    cut = page.eval_on_selector_all(
        "[data-testid=stMetricValue], [data-testid=stMetricValue] *",
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)",
    )
    assert cut == []
    page.close()


def test_sidebar_lists_only_changed_rules_until_asked(app_url, browser) -> None:
    page = open_app(browser, app_url)
    sidebar = page.locator("[data-testid=stSidebarContent]")
    short = sidebar.evaluate("e => e.scrollHeight")
    assert short < 1500, short  # every rule drawn, the sidebar was thousands of pixels tall
    page.get_by_role("paragraph").filter(has_text=re.compile(r"^Show all rules$")).click()
    page.get_by_text("Week shape").wait_for(timeout=SOLVE_TIMEOUT_MS)
    settled(page)
    assert sidebar.evaluate("e => e.scrollHeight") > short + 500
    for group in ("Races", "Recovery", "Progression", "Week shape", "Re-planning"):
        assert page.locator("[data-testid=stSidebar]").get_by_text(group, exact=True).count() == 1
    page.close()


def test_a_changed_setting_marks_the_plan_stale_until_update(app_url, browser) -> None:
    page = open_app(browser, app_url)
    page.wait_for_timeout(1200)  # the watch takes its baseline
    assert page.locator(BANNER).count() == 0
    page.get_by_text("Phases and deloads").click()  # widgets mounting are not changes
    page.wait_for_timeout(2500)
    assert page.locator(BANNER).count() == 0
    weeks = page.get_by_role("spinbutton", name="Weeks", exact=True)
    before = int(weeks.input_value())
    page.locator("[data-testid=stSidebar] [data-testid=stNumberInputStepUp]").first.click()
    banner = page.locator(BANNER)
    banner.wait_for(timeout=5000)
    assert "Settings changed" in banner.inner_text()
    assert banner.is_visible()
    page.set_viewport_size({"width": 390, "height": 844})  # on a phone it stays on screen
    box = banner.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Update plan").first.click()
    page.get_by_text(f"{before + 1} weeks ·").wait_for(timeout=SOLVE_TIMEOUT_MS)
    settled(page)
    page.wait_for_timeout(1200)
    assert page.locator(BANNER).count() == 0
    page.close()


def test_why_table_ends_at_its_last_row(app_url, browser) -> None:
    page = open_app(browser, app_url)
    page.get_by_role("tab", name="Why").click()
    panel = page.locator("[role=tabpanel]:visible")
    panel.get_by_text("Total cost:").wait_for(timeout=SOLVE_TIMEOUT_MS)
    scroller = panel.locator("[data-testid=stDataFrame] .dvn-scroller").first
    scroller.wait_for(timeout=SOLVE_TIMEOUT_MS)
    box, rows = scroller.evaluate(
        "e => [e.clientHeight, e.querySelector('.dvn-scroll-inner').getBoundingClientRect().height]"
    )
    assert abs(box - rows) <= 2, (box, rows)  # no blank row below the last, no hidden row
    page.close()
