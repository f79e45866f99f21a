"""Engines and schema migrations for SQLite (embedded default) and PostgreSQL.

``make_engine(url)`` builds an engine; ``migrate(engine)`` brings the schema to the newest
Alembic revision inside one transaction on both back ends, so an upgrade either completes or
leaves the database as it was.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from beltroad.errors import (
    DataUnavailable,
    InvalidInput,
    MissingDependency,
    PermissionDenied,
    SchemaTooNew,
)
from beltroad.storage import faults

MIGRATIONS = Path(__file__).with_name("migrations")

URL_HINT = "use sqlite:///PATH/TO/FILE.db or postgresql+psycopg://USER:PASSWORD@HOST:PORT/DBNAME"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url``; SQLite gets WAL, foreign keys and transactional DDL.

    >>> make_engine("sqlite://").dialect.name
    'sqlite'
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInput.at("not a database URL", field="db", value=url, hint=URL_HINT) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise InvalidInput.at(
            f"unsupported database back end '{backend}' (expected sqlite or postgresql)",
            field="db",
            value=_safe(url),
            hint=URL_HINT,
        )
    if backend == "postgresql" and parsed.get_driver_name() != "psycopg":
        # psycopg 3 is the one driver beltroad installs; plain postgresql:// means it too.
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return _sqlite_engine(parsed.render_as_string(hide_password=False), echo=echo)
    try:
        return create_engine(parsed, echo=echo, pool_pre_ping=True, json_serializer=json_text)
    except (NoSuchModuleError, ModuleNotFoundError):
        raise MissingDependency("psycopg", "postgres", "A PostgreSQL database") from None


def json_text(value: Any) -> str:
    """JSON columns' text: orjson (a tenth of ``json.dumps``'s time on an import's extras),
    compact, UTF-8; ``json.dumps`` for what orjson refuses (integers beyond 64 bits). NaN and
    infinities, which JSON cannot hold, become null."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value)


def bind_none_cheaply() -> None:
    """Give sqlite3 an adapter for None, which it then binds as NULL exactly as before.

    Python's sqlite3 binds an exact int, float or str directly but looks every other value up in
    its adapter registry; for None, finding nothing there, it also asks the protocol type for
    ``__adapt__``, which raises and discards a formatted AttributeError: ~4,000 instructions
    per NULL, a tenth of an import's database writes. A registered adapter is found at once.
    ``{}.get`` is a C function returning None for None (a Python function would cost more).
    Process-wide (sqlite3 has no per-connection adapters), though it changes no value that any
    sqlite3 user stores: so only a process beltroad owns, the CLI's, calls it
    (:func:`beltroad.services.process.tune_for_bulk_writes`); a library user's process is left
    as it was.
    """
    nothing: dict[None, None] = {}
    sqlite3.register_adapter(type(None), nothing.get)


def _sqlite_engine(url: str, *, echo: bool) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        path = Path(database).expanduser().resolve()
        try:
            owner_only_dir(path.parent)
            # The registry holds users' password hashes and tokens' hashes: the file (and the
            # WAL and shm files SQLite creates with the file's mode) is the owner's alone.
            if not path.exists():
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as exc:
            raise PermissionDenied(
                f"cannot create the data directory {path.parent}: {exc.strerror}",
                hint="choose a writable data directory (setting data_dir, env BELTROAD_DATA_DIR)",
            ) from None
    engine = create_engine(url, echo=echo, json_serializer=json_text)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # pysqlite's own transaction handling commits before DDL; take control so that a
        # migration is one real transaction (SQLAlchemy's documented recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if database and database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # A larger page cache (128 MiB, allocated only as used) speeds bulk loads ~20%.
            cursor.execute("PRAGMA cache_size=-131072")
        cursor.execute(f"PRAGMA busy_timeout={int(faults.BUSY_TIMEOUT_MS)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A write transaction takes the write lock at BEGIN (IMMEDIATE): one that read first and
        # wrote later would fail with SQLITE_BUSY_SNAPSHOT, not wait, if another writer committed
        # in between (issue #15's concurrent writers).
        if connection.get_execution_options().get("sqlite_immediate"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


def owner_only_dir(folder: Path) -> None:
    """Create ``folder`` (and its parents) if missing; a folder created here is 0700."""
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)


def _safe(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


# The schema check runs on every command that opens the database. Alembic's script loader
# imports alembic's DDL layer for every dialect (~0.6 s of CPU) and executes each migration
# file; reading the revision ids from the files gives the same answer (a test compares them)
# and leaves alembic to ``migrate``.
_REVISION = re.compile(r"""^revision\s*(?::[^=]*)?=\s*["']([^"']+)["']""", re.MULTILINE)
_DOWN_REVISION = re.compile(r"""^down_revision\s*(?::[^=]*)?=\s*(?:None|["']([^"']+)["'])""", re.M)


def _revision_graph(script_location: Path = MIGRATIONS) -> dict[str, str | None]:
    """Each shipped revision -> the one it revises (None for the first)."""
    graph: dict[str, str | None] = {}
    for path in sorted((script_location / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            continue  # not a migration (an __init__.py, a helper)
        graph[revision.group(1)] = down.group(1)
    return graph


def head_revision() -> str:
    """The newest schema revision this beltroad knows."""
    graph = _revision_graph()
    heads = set(graph) - set(graph.values())
    if len(heads) != 1:  # never shipped; let alembic say what is wrong
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        head = ScriptDirectory.from_config(config).get_current_head()
        assert head is not None
        return head
    return heads.pop()


def known_revisions(script_location: Path = MIGRATIONS) -> set[str]:
    """Every schema revision this beltroad ships."""
    return set(_revision_graph(script_location))


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database, or None for an empty database.

    What alembic's ``MigrationContext.get_current_revision`` reads: the one row of
    ``alembic_version``.
    """
    with connect(engine) as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    if len(rows) > 1:
        raise ValueError(f"the database has {len(rows)} schema revisions; expected one")
    return str(rows[0][0]) if rows else None


def migrate(
    engine: Engine, revision: str = "head", *, script_location: Path = MIGRATIONS
) -> tuple[str | None, str]:
    """Upgrade the schema to ``revision`` in one transaction; returns (before, after).

    Refuses a database whose revision this beltroad does not know (written by a newer one).
    """
    before = current_revision(engine)
    if before is not None and before not in known_revisions(script_location):
        raise SchemaTooNew(
            f"the database {_safe(str(engine.url))} has schema revision {before}, "
            f"which this beltroad does not know",
            hint="upgrade beltroad (pip install -U beltroad) or point the db setting elsewhere",
        )
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location))
    with connect(engine) as connection, connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return before, current_revision(engine) or ""


@contextmanager
def connect(engine: Engine) -> Iterator[Connection]:
    """A connection whose failures say which database could not be reached and why."""
    try:
        connection = engine.connect()
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        if "readonly" in reason or "read-only" in reason or "unable to open" in reason:
            raise PermissionDenied(
                f"cannot open {_safe(str(engine.url))} for writing: {reason}",
                hint="choose a writable data directory (setting data_dir), or fix its permissions",
            ) from None
        raise DataUnavailable(
            f"cannot connect to {_safe(str(engine.url))}: {reason}",
            hint="check that the server runs and the URL, user and password are right",
        ) from None
    try:
        yield connection
    except (DBAPIError, OSError, ValueError) as exc:
        # An expected fault (locked, disk full, connection lost, NUL refused) is an error the
        # user can act on; anything else stays an internal error, a bug to report.
        translated = faults.translate(exc, str(engine.url))
        if translated is None:
            raise
        raise translated from exc
    finally:
        connection.close()
