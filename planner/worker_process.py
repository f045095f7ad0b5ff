"""What the solve pool's fork server imports first, so every worker forked from it has it.

A new worker process re-creates its parent's `__main__` module before it takes a task (Python's
multiprocessing does, so that objects defined in a main script can be unpickled). Once the app
has served a page, Streamlit's `__main__` is the page script, app.py: a worker started then (a
replacement for one that died) would run the whole page script as `__mp_main__`, importing
Streamlit and building a server inside the worker. Workers run only `planner.workers`' own
functions and unpickle nothing from a main script, so here that step does nothing.

The imported modules are then frozen out of the garbage collector's sight: a worker's full
collection does not walk them (nor copy their pages out of the fork server's).
"""

from __future__ import annotations

import gc
import multiprocessing.spawn

from planner import workers  # noqa: F401  (imported once here, shared by every fork)


def _skip_main_script(main_path: str) -> None:
    """Instead of running `main_path` (the app's page script) in the worker: nothing."""


multiprocessing.spawn._fixup_main_from_path = _skip_main_script

# Every worker forked from here shares these modules' memory pages with the fork server until it
# writes to them; the collector marking them on a full collection would write to every one.
gc.freeze()
