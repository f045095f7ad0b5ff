"""`python -m planner ...`: the `planner` command from a checkout (worktrees, CI) without relying
on which copy the installed console script points at."""

from planner.cli import app

app(prog_name="planner")
