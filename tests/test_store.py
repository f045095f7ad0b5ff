"""The season store on SQLite and on a real PostgreSQL: round trips, tokens, optimistic
versions, undo history, rotation and deletion."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from season_data import START, WEEKS, first_plan, season_source
from sqlalchemy import func, inspect, select

from planner.config import PlannerConfig
from planner.domain import AthleteProfile, Sport
from planner.export import ExportOptions
from planner.store import (
    Marks,
    SeasonNotFound,
    StaleSeason,
    add_plan_version,
    delete_season,
    feed_plan,
    list_seasons,
    load_season,
    open_store,
    rotate_token,
    save_season,
    set_marks,
    undo_plan,
)
from planner.store.models import MarkRow, PlanVersionRow, SeasonRow, SourceRow


def _save(store, name: str = "Winter 2027", **changes):
    values = dict(
        name=name,
        profile=AthleteProfile(sport=Sport.run, equipment=["mini band"]),
        config=PlannerConfig().with_rule("rest-days", min_rest_days=3),
        export=ExportOptions(time=dt.time(7, 30), timezone="Europe/Paris"),
        start=START,
        weeks=WEEKS,
        source=season_source(),
        plan=first_plan(),
    )
    values.update(changes)
    return save_season(store, **values)


def test_a_saved_season_comes_back_whole(database_url: str) -> None:
    store = open_store(database_url)
    token, saved = _save(store, marks=Marks(done=[START + dt.timedelta(days=1)]))
    season = load_season(store, token)
    assert season == saved
    assert season.name == "Winter 2027" and season.sport == "run"
    assert season.profile.equipment == ["mini band"]
    assert season.config.params("rest-days").min_rest_days == 3
    assert season.export.time == dt.time(7, 30) and season.export.timezone == "Europe/Paris"
    assert season.source.data == season_source().data
    assert season.plan() == first_plan()
    assert [p.origin for p in season.history] == ["first plan"]
    assert season.marks.done == [START + dt.timedelta(days=1)]


def test_migrations_run_once_and_leave_the_schema_at_head(database_url: str) -> None:
    from planner.store.database import close_all

    store = open_store(database_url)
    token, _ = _save(store)
    close_all()
    again = open_store(database_url)  # a server restart: migrate again, data kept
    assert load_season(again, token).name == "Winter 2027"
    tables = set(inspect(again.engine).get_table_names())
    assert {"seasons", "calendar_sources", "plan_versions", "marks", "alembic_version"} <= tables
    assert {"refresh_runs", "refresh_outcomes"} <= tables
    with again.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0004"


def test_seasons_saved_before_uid_scopes_get_one_each(database_url: str) -> None:
    """Revision 0002 gives every existing season its own UID scope, and the store then reads
    the season as usual."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import column, create_engine, table

    from planner.store.database import MIGRATIONS, _driver_url

    engine = create_engine(_driver_url(database_url))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        for number in (1, 2):
            values = dict(
                token_hash=f"{number:064x}",
                name=f"Old {number}",
                sport="ride",
                profile_json=AthleteProfile().model_dump_json(),
                config_json=PlannerConfig().model_dump_json(),
                export_json=ExportOptions().model_dump_json(),
                start=START,
                weeks=WEEKS,
                created_at=now,
                updated_at=now,
                version=1,
            )
            old_seasons = table("seasons", *(column(name) for name in values))  # 0001's columns
            connection.execute(old_seasons.insert().values(**values))
    engine.dispose()
    store = open_store(database_url)
    with store.session() as session:
        scopes = session.scalars(select(SeasonRow.uid_scope).order_by(SeasonRow.id)).all()
    assert len(scopes) == 2 and all(len(scope) == 16 for scope in scopes)
    assert scopes[0] != scopes[1]
    token, season = _save(store)
    assert season.uid_scope not in scopes and load_season(store, token) == season


def test_tokens_are_long_random_and_never_stored(database_url: str) -> None:
    store = open_store(database_url)
    token_a, _ = _save(store, "A")
    token_b, _ = _save(store, "B")
    assert token_a != token_b
    assert len(token_a) >= 22  # 128 bits in URL-safe base64; ours carry 192
    with store.session() as session:
        hashes = session.scalars(select(SeasonRow.token_hash)).all()
    assert token_a not in hashes and token_b not in hashes
    if database_url.startswith("sqlite"):
        raw = Path(database_url.removeprefix("sqlite:///")).read_bytes()
        assert token_a.encode() not in raw


def test_tokens_never_look_like_command_line_options() -> None:
    from planner.store.tokens import new_token

    assert not any(new_token().startswith("-") for _ in range(3000))


def test_one_token_never_reveals_another_season(database_url: str) -> None:
    store = open_store(database_url)
    token_a, _ = _save(store, "Athlete A")
    token_b, _ = _save(store, "Athlete B")
    assert load_season(store, token_a).name == "Athlete A"
    assert load_season(store, token_b).name == "Athlete B"
    for wrong in (token_a[:-1] + ("x" if token_a[-1] != "x" else "y"), "", "../etc", "a" * 43):
        with pytest.raises(SeasonNotFound):
            load_season(store, wrong)
        with pytest.raises(SeasonNotFound):
            feed_plan(store, wrong)


def test_two_tabs_never_lose_a_mark(database_url: str) -> None:
    store = open_store(database_url)
    token, _ = _save(store)
    tab_1 = load_season(store, token)
    tab_2 = load_season(store, token)
    day_1, day_2 = START + dt.timedelta(days=1), START + dt.timedelta(days=3)
    after_1 = set_marks(store, token, Marks(done=[day_1]), expected_version=tab_1.version)
    assert after_1.version > tab_1.version
    with pytest.raises(StaleSeason):  # tab 2 has not seen tab 1's mark: refused, nothing written
        set_marks(store, token, Marks(missed=[day_2]), expected_version=tab_2.version)
    assert load_season(store, token).marks == Marks(done=[day_1])
    reread = load_season(store, token)  # the loser re-reads and applies its mark again
    merged = reread.marks.model_copy(update={"missed": [day_2]})
    set_marks(store, token, merged, expected_version=reread.version)
    assert load_season(store, token).marks == Marks(done=[day_1], missed=[day_2])


def test_plan_versions_are_an_undo_history(database_url: str) -> None:
    store = open_store(database_url)
    token, season = _save(store)
    second = first_plan().model_copy(update={"objective": 123.0})
    season = add_plan_version(store, token, second, "re-plan", expected_version=season.version)
    third = first_plan().model_copy(update={"objective": 456.0})
    season = add_plan_version(store, token, third, "setting change")
    assert [p.origin for p in season.history] == ["first plan", "re-plan", "setting change"]
    assert season.plan().objective == 456.0
    assert feed_plan(store, token).plan_number == 3
    season = undo_plan(store, token, expected_version=season.version)
    assert season.plan().objective == 123.0
    assert feed_plan(store, token).plan_number == 2
    undo_plan(store, token)
    season = undo_plan(store, token)  # the first plan is never undone
    assert [p.number for p in season.history] == [1]
    with store.session() as session:  # undone versions stay as history rows
        assert session.scalar(select(func.count()).select_from(PlanVersionRow)) == 3


def test_rotation_retires_the_old_token_everywhere(database_url: str) -> None:
    store = open_store(database_url)
    old, _ = _save(store)
    new = rotate_token(store, old)
    assert new != old
    for lookup in (load_season, feed_plan):
        with pytest.raises(SeasonNotFound):
            lookup(store, old)
    assert load_season(store, new).name == "Winter 2027"
    assert feed_plan(store, new).plan_number == 1


def test_deleting_a_season_removes_all_its_data(database_url: str) -> None:
    store = open_store(database_url)
    gone, _ = _save(store, "Gone", marks=Marks(pins=[START + dt.timedelta(days=9)]))
    kept, _ = _save(store, "Kept")
    delete_season(store, gone)
    with pytest.raises(SeasonNotFound):
        load_season(store, gone)
    with pytest.raises(SeasonNotFound):
        delete_season(store, gone)
    assert [s.name for s in list_seasons(store)] == ["Kept"]
    with store.session() as session:
        for table in (SeasonRow, SourceRow, PlanVersionRow):
            assert session.scalar(select(func.count()).select_from(table)) == 1
        assert session.scalar(select(func.count()).select_from(MarkRow)) == 0
    assert load_season(store, kept).name == "Kept"


def test_a_failed_write_changes_nothing(database_url: str) -> None:
    store = open_store(database_url)
    token, before = _save(store, marks=Marks(done=[START]))

    class Broken(type(first_plan())):
        def model_dump_json(self, **kwargs) -> str:  # fails inside the transaction
            raise RuntimeError("disk full")

    broken = Broken.model_validate(first_plan().model_dump())
    with pytest.raises(RuntimeError):
        add_plan_version(store, token, broken, "re-plan", marks=Marks(missed=[START]))
    assert load_season(store, token) == before


def test_the_core_never_imports_the_store() -> None:
    import subprocess
    import sys

    code = (
        "import sys, constraints, planner.instance, planner.model, planner.solve, planner.replan;"
        "bad = [m for m in sys.modules if m.startswith(('planner.store', 'sqlalchemy'))];"
        "assert not bad, bad"
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_default_store_is_a_sqlite_file_in_the_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import platformdirs

    from planner.store.database import DATABASE_URL_ENV, close_all, default_url, safe_url

    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "data"))
    url = default_url()
    assert url == f"sqlite:///{tmp_path / 'data' / 'seasons.sqlite3'}"
    token, _ = _save(open_store())
    assert (tmp_path / "data" / "seasons.sqlite3").exists()
    close_all()
    monkeypatch.setenv(DATABASE_URL_ENV, "postgres://planner:s3cret@db.example:5432/seasons")
    assert default_url().startswith("postgres://")
    assert "s3cret" not in safe_url(default_url())
    assert safe_url(default_url()).startswith("postgresql+psycopg://planner:***@db.example")
