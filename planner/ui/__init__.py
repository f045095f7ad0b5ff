"""The Streamlit app's building blocks: state, settings form, calendar input, charts, rendering.

`app.py` stays thin and calls these in order: widgets -> config -> cached solve -> render.
Nothing here builds or solves a model; solving goes through `planner.solve.plan_season`.
"""
