"""The Streamlit app's building blocks: state, settings form, calendar input, charts, rendering.

`app.py` stays thin and calls these in order: widgets -> config -> cached solve -> render.
Nothing here builds or solves a model; solving goes through `planner.solve.plan_season`.
"""

import logging
import sys


class _QuietCacheImport(logging.Filter):
    """`streamlit run app.py` imports the app to build its server before Streamlit's runtime
    exists, and every `st.cache_data` defined then warned "No runtime found, using
    MemoryCacheStorageManager" (six lines at each start). That is the decorator checking its
    parameters; the caches themselves are made at their first call, in the runtime. A cache
    really made outside the runtime still says so."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.getMessage().startswith("No runtime found"):
            return True
        frame = sys._getframe()
        while frame is not None:
            if frame.f_code.co_name == "validate_cache_params":
                return False
            frame = frame.f_back
        return True


logging.getLogger("streamlit.runtime.caching.cache_data_api").addFilter(_QuietCacheImport())
