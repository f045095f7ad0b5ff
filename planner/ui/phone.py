"""Phone layout (issue 13, papercut 15): on a narrow screen the plan, not the page furniture,
fills the first screen; the tabs fit; a tapped card scrolls its day into view.

Our own CSS and one line of our own script; no user text goes into either.
"""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

PHONE_MAX_PX = 640

PHONE_CSS = f"""<style>
/* Streamlit's header stays on top of the page: what the page scrolls to (the opened day's
   heading, the tab row) stops below it, not under it */
.stMainBlockContainer h4, [data-testid=stTabs], [data-testid=stTabs] [role=tablist] {{
  scroll-margin-top: 4.5rem; }}
@media (max-width: {PHONE_MAX_PX}px) {{
  .stMainBlockContainer {{ padding-top: 3.6rem; padding-left: 0.6rem; padding-right: 0.6rem; }}
  .stMainBlockContainer h1 {{ font-size: 1.45rem; padding-top: 0; }}
  [data-testid=stFileUploaderDropzoneInstructions] {{ display: none; }}
  [data-testid=stFileUploaderDropzone] {{ padding: 0.3rem 0.5rem; }}
  .stElementContainer:has(h1) + .stElementContainer:has([data-testid=stCaptionContainer]) {{
    display: none; }}
  [data-testid=stHorizontalBlock]:has(> [data-testid=stColumn]) {{ row-gap: 0.5rem !important; }}
  [data-testid=stMetric] {{ padding: 0.3rem 0.5rem; }}
  [data-testid=stHorizontalBlock] > .stElementContainer:has([data-testid=stMetric]) {{
    flex: 1 1 0 !important; width: auto !important; min-width: 0 !important; }}
  [data-testid=stHorizontalBlock]:has(> .stElementContainer [data-testid=stMetric]) {{
    gap: 0.35rem !important; flex-wrap: nowrap !important; }}
  [data-testid=stHorizontalBlock] > .stElementContainer [data-testid=stMetric] {{
    width: 100% !important; min-width: 0 !important; padding: 0.3rem 0.35rem !important; }}
  [data-testid=stHorizontalBlock] > .stElementContainer [data-testid=stMetricLabel] p {{
    white-space: normal; line-height: 1.1; }}
  [data-testid=stHorizontalBlock] > .stElementContainer [data-testid=stMetricValue] {{
    font-size: 0.95rem; }}
  [data-testid=stHorizontalBlock] > .stElementContainer [data-testid=stMetric] > div {{
    padding: 0.25rem 0.2rem !important; }}
  [data-testid=stMetric] [data-testid=stTooltipIcon] {{ display: none; }}
  [data-testid=stMetricValue] {{ font-size: 1.2rem; }}
  [data-testid=stMetricLabel] p {{ font-size: 0.75rem; }}
  [data-testid=stTabs] [role=tablist] {{ flex-wrap: wrap; row-gap: 0.25rem; }}
  [data-testid=stTab] {{ padding-left: 0.3rem; padding-right: 0.3rem; }}
  [data-testid=stTab] p {{ font-size: 0.85rem; }}
  [data-testid=stTab] span[role=img] {{ display: none !important; }}
  .st-key-calendar_details {{ display: none; }}
  [data-testid=stFileUploader] label {{ min-height: 0; }}
  [data-testid=stFileUploaderDropzone] {{ min-height: 0; }}
}}
</style>"""


def is_phone() -> bool:
    """Whether the page was opened on a phone, from the request's User-Agent ("Mobi" in it, as
    every phone browser sends, or the client hint Sec-CH-UA-Mobile). A narrow desktop window is
    not a phone: it keeps the season board, with the narrow-screen styles."""
    headers = getattr(st.context, "headers", None) or {}
    agent = str(headers.get("User-Agent", ""))
    return "Mobi" in agent or str(headers.get("Sec-CH-UA-Mobile", "")) == "?1"


def phone_layout() -> None:
    """The narrow-screen rules; wide screens are untouched."""
    st.html(PHONE_CSS)


def scroll_to_opened_day(heading: str) -> None:
    """On a phone the day sits under the calendar: bring its heading into view after a tap.

    `heading` is the day's own heading text (a date and a phase name, never user text)."""
    components.html(
        "<script>const w = window.parent; "
        f"if (w.innerWidth <= {PHONE_MAX_PX}) {{ const el = [...w.document.querySelectorAll("
        f"'h4')].find(h => h.textContent.startsWith({heading!r})); "
        "if (el) el.scrollIntoView({block: 'start'}); }</script>",
        height=0,
    )
