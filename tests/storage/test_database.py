"""Schema migrations on SQLite and PostgreSQL: create, repeat, refuse newer, stay atomic."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from beltroad.errors import InvalidInput, MissingDependency, SchemaTooNew
from beltroad.storage import database
from beltroad.storage.models import Base


def test_migrations_create_every_model_table(db_url: str) -> None:
    engine = database.make_engine(db_url)
    before, after = database.migrate(engine)
    assert before is None
    assert after == database.head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    engine.dispose()


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    """Autogenerate finds nothing to do: the migrations and the models agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = database.make_engine(db_url)
    database.migrate(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_second_migration_is_a_no_op(db_url: str) -> None:
    engine = database.make_engine(db_url)
    database.migrate(engine)
    head = database.head_revision()
    assert database.migrate(engine) == (head, head)
    engine.dispose()


def test_the_latest_migration_goes_down_and_up_again(db_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    engine = database.make_engine(db_url)
    database.migrate(engine)
    config = Config()
    config.set_main_option("script_location", str(database.MIGRATIONS))
    with database.connect(engine) as connection, connection.begin():
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")
    down = database.current_revision(engine)
    assert down is not None
    assert down != database.head_revision()
    assert database.migrate(engine) == (down, database.head_revision())
    engine.dispose()


def test_database_from_a_newer_beltroad_is_refused(db_url: str) -> None:
    engine = database.make_engine(db_url)
    database.migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffff9999'"))
    with pytest.raises(SchemaTooNew, match="ffff9999") as caught:
        database.migrate(engine)
    assert caught.value.hint is not None
    assert "upgrade beltroad" in caught.value.hint
    engine.dispose()


def test_failed_migration_leaves_nothing_behind(db_url: str, tmp_path: Path) -> None:
    """A migration that fails half-way is rolled back whole, on both back ends."""
    scripts = tmp_path / "migrations"
    (scripts / "versions").mkdir(parents=True)
    env = Path(database.MIGRATIONS, "env.py").read_text()
    (scripts / "env.py").write_text(env)
    (scripts / "script.py.mako").write_text(Path(database.MIGRATIONS, "script.py.mako").read_text())
    (scripts / "versions" / "0001_half.py").write_text(
        textwrap.dedent(
            """
            import sqlalchemy as sa
            from alembic import op

            revision = "0001"
            down_revision = None
            branch_labels = None
            depends_on = None

            def upgrade():
                op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
                op.execute("INSERT INTO half_done (id) VALUES (1)")
                op.execute("INSERT INTO no_such_table (id) VALUES (1)")

            def downgrade():
                pass
            """
        )
    )
    engine = database.make_engine(db_url)
    with pytest.raises(Exception, match="no_such_table"):
        database.migrate(engine, script_location=scripts)
    assert "half_done" not in inspect(engine).get_table_names()
    assert "alembic_version" not in inspect(engine).get_table_names()
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url", "not a database URL"),
        ("mysql://user@host/db", "unsupported database back end 'mysql'"),
        ("", "not a database URL"),
    ],
)
def test_bad_database_urls_say_what_is_expected(url: str, expected: str) -> None:
    with pytest.raises(InvalidInput, match=expected) as caught:
        database.make_engine(url)
    assert caught.value.hint is not None
    assert "postgresql+psycopg://" in caught.value.hint


def test_unreachable_postgres_is_reported_with_the_url_but_no_password() -> None:
    engine = database.make_engine("postgresql+psycopg://who:secret@127.0.0.1:1/nothing")
    with pytest.raises(Exception, match="cannot connect to") as caught:
        database.current_revision(engine)
    assert "secret" not in str(caught.value)


def test_missing_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlalchemy.dialects.postgresql.psycopg as dialect

    def refuse(*_: object, **__: object) -> None:
        raise ModuleNotFoundError("No module named 'psycopg'")

    monkeypatch.setattr(dialect.PGDialect_psycopg, "import_dbapi", classmethod(refuse))
    with pytest.raises(MissingDependency) as caught:
        database.make_engine("postgresql+psycopg://u@127.0.0.1/db")
    assert caught.value.hint == "pip install 'beltroad[postgres]'"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = database.make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_json_columns_are_compact_utf8_and_refuse_nothing_json_takes() -> None:
    import json

    from beltroad.storage.database import json_text

    value = {"name": "São Tomé 北京", "n": [1, 2.5, None, True], 7: "int key"}
    text = json_text(value)
    assert json.loads(text) == {"name": "São Tomé 北京", "n": [1, 2.5, None, True], "7": "int key"}
    assert "São" in text  # UTF-8, not \u escapes
    assert json.loads(json_text({"big": 2**70})) == {"big": 2**70}  # beyond orjson: json.dumps
    assert json_text({"x": float("nan")}) == '{"x":null}'  # JSON has no NaN


def test_sqlite_binds_null_through_the_cheap_adapter(tmp_path: Path) -> None:
    """The CLI's bulk-write tuning (services.process) registers it; NULLs still bind as NULL."""
    import sqlite3

    database.bind_none_cheaply()
    engine = database.make_engine(f"sqlite:///{tmp_path / 'n.db'}")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (a, b)")
            connection.exec_driver_sql("INSERT INTO t VALUES (?, ?)", (None, 1))
            row = connection.exec_driver_sql("SELECT a IS NULL, typeof(a) FROM t").one()
    finally:
        engine.dispose()
    assert tuple(row) == (1, "null")
    assert sqlite3.adapters[(type(None), sqlite3.PrepareProtocol)](None) is None


def test_revisions_read_from_the_files_are_alembics() -> None:
    """The schema check reads revision ids from the migration files (no alembic import at
    start-up): the same head and the same set as alembic's own script loader."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(database.MIGRATIONS))
    scripts = ScriptDirectory.from_config(config)
    assert database.head_revision() == scripts.get_current_head()
    assert database.known_revisions() == {rev.revision for rev in scripts.walk_revisions()}
    graph = database._revision_graph()
    assert graph == {rev.revision: rev.down_revision for rev in scripts.walk_revisions()}
