"""Issue 21, lean page runs: what a page run no longer does (benchmarks/bench_load.py
--sessions 1 prints each step's server CPU)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_server_skips_streamlits_per_run_chores() -> None:
    """A full garbage collection and a walk of every imported module for the file watcher
    after each page run were ~0.25 s of the server's CPU per click between them."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    assert config["server"]["fileWatcherType"] == "none"
